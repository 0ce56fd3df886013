package dev.pirate.spring.worker;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

import dev.pirate.protocol.Mdp;
import dev.pirate.protocol.PirateExtension;
import dev.pirate.spring.MajordomoHandler;
import dev.pirate.spring.MajordomoService;
import dev.pirate.spring.PayloadConverter;
import dev.pirate.worker.ContextualRequestHandler;
import dev.pirate.worker.RequestContext;
import dev.pirate.worker.RequestHandler;

/**
 * Finds the {@link MajordomoService @MajordomoService} beans of a bean factory and adapts each to a
 * {@link ContextualRequestHandler}. Every mistake (no handler or two, a bad service name or concurrency, a
 * service declared twice, a handler method of the wrong shape) fails with a message that names the
 * bean.
 */
public class MajordomoServiceDiscoverer {

    private final ListableBeanFactory beanFactory;

    private final PayloadConverter converter;

    /**
     * Creates a discoverer.
     * @param beanFactory the factory holding the service beans
     * @param converter the converter for {@link MajordomoHandler @MajordomoHandler} methods
     */
    public MajordomoServiceDiscoverer(ListableBeanFactory beanFactory, PayloadConverter converter) {
        this.beanFactory = beanFactory;
        this.converter = converter;
    }

    /**
     * Finds and validates every service.
     * @return the services, in bean registration order
     * @throws MajordomoServiceDeclarationException naming the bean if a service bean is not valid
     */
    public List<MajordomoServiceDefinition> discover() {
        Map<String, String> beanByService = new LinkedHashMap<>();
        List<MajordomoServiceDefinition> definitions = new ArrayList<>();
        for (String beanName : this.beanFactory.getBeanNamesForAnnotation(MajordomoService.class)) {
            MajordomoService annotation = this.beanFactory.findAnnotationOnBean(beanName, MajordomoService.class);
            if (annotation == null) {
                continue;
            }
            String service = annotation.service();
            checkServiceName(beanName, service);
            if (annotation.concurrency() < 1) {
                throw invalid(beanName, "declares concurrency " + annotation.concurrency(), "use 1 or more");
            }
            if (annotation.prefetch() < 1 || annotation.prefetch() > PirateExtension.MAX_CREDIT) {
                throw invalid(beanName, "declares prefetch " + annotation.prefetch(),
                        "use 1 to " + PirateExtension.MAX_CREDIT);
            }
            String previous = beanByService.putIfAbsent(service, beanName);
            if (previous != null) {
                throw invalid(beanName, "serves '" + service + "', already served by bean '" + previous + "'",
                        "a service has one handler: remove one bean, or give it another service name");
            }
            Object bean = this.beanFactory.getBean(beanName);
            definitions.add(new MajordomoServiceDefinition(beanName, service, annotation.concurrency(),
                    annotation.prefetch(),
                    handler(beanName, bean)));
        }
        return List.copyOf(definitions);
    }

    private static void checkServiceName(String beanName, String service) {
        if (!Mdp.isValidServiceName(service)) {
            throw invalid(beanName, "has an invalid service name '" + service + "'",
                    "use 1 to 255 printable ASCII characters without spaces");
        }
        if (service.startsWith(Mdp.MMI_PREFIX)) {
            throw invalid(beanName, "has service name '" + service + "'",
                    "the prefix '" + Mdp.MMI_PREFIX + "' is reserved for the broker: choose another name");
        }
    }

    private ContextualRequestHandler handler(String beanName, Object bean) {
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        Set<Method> methods = MethodIntrospector.selectMethods(targetClass,
                (ReflectionUtils.MethodFilter) (method) -> AnnotatedElementUtils.hasAnnotation(method,
                        MajordomoHandler.class));
        if (bean instanceof RequestHandler || bean instanceof ContextualRequestHandler) {
            String implemented = (bean instanceof RequestHandler) ? "RequestHandler" : "ContextualRequestHandler";
            if (!methods.isEmpty()) {
                throw invalid(beanName, "implements " + implemented + " and also declares @MajordomoHandler "
                        + names(methods), "use one or the other");
            }
            if (bean instanceof RequestHandler handler) {
                return (body, context) -> handler.handle(body);
            }
            return (ContextualRequestHandler) bean;
        }
        if (methods.size() != 1) {
            throw invalid(beanName, "declares " + methods.size() + " @MajordomoHandler methods"
                    + (methods.isEmpty() ? "" : " " + names(methods)),
                    "declare exactly one, or implement dev.pirate.worker.RequestHandler");
        }
        Method method = methods.iterator().next();
        checkParameters(beanName, method);
        if (method.getReturnType() == void.class) {
            throw invalid(beanName, "@MajordomoHandler " + method.getName() + " returns void",
                    "return the reply body (byte[], String, List<byte[]> or a JSON type)");
        }
        return new MethodRequestHandler(bean, AopUtils.selectInvocableMethod(method, bean.getClass()),
                this.converter);
    }

    /** At most one body parameter and at most one {@link RequestContext}, in either order. */
    private static void checkParameters(String beanName, Method method) {
        int contexts = 0;
        for (Class<?> type : method.getParameterTypes()) {
            if (type == RequestContext.class) {
                contexts++;
            }
        }
        int bodies = method.getParameterCount() - contexts;
        if (bodies > 1 || contexts > 1) {
            throw invalid(beanName, "@MajordomoHandler " + method.getName() + " takes " + method.getParameterCount()
                    + " parameters (" + bodies + " for the request body, " + contexts + " RequestContext)",
                    "take at most one request body parameter and at most one dev.pirate.worker.RequestContext");
        }
    }

    private static String names(Set<Method> methods) {
        return methods.stream().map(Method::getName).sorted().collect(Collectors.joining(", ", "[", "]"));
    }

    private static MajordomoServiceDeclarationException invalid(String beanName, String problem, String action) {
        return new MajordomoServiceDeclarationException(beanName, problem, action);
    }
}
