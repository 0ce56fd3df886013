package dev.pirate.spring.worker;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

import dev.pirate.spring.PayloadConverter;
import dev.pirate.worker.ContextualRequestHandler;
import dev.pirate.worker.RequestContext;

/**
 * Adapts a {@link dev.pirate.spring.MajordomoHandler @MajordomoHandler} method to a
 * {@link ContextualRequestHandler}: converts the request frames to the body parameter, passes the
 * {@link RequestContext} to a parameter of that type, invokes the method and converts the return
 * value to reply frames. The method's shape was checked by {@link MajordomoServiceDiscoverer}.
 */
final class MethodRequestHandler implements ContextualRequestHandler {

    private final Object bean;

    private final Method method;

    /** Index of the body parameter, or -1. */
    private final int bodyIndex;

    private final @Nullable ResolvableType bodyType;

    /** Index of the {@link RequestContext} parameter, or -1. */
    private final int contextIndex;

    private final ResolvableType returnType;

    private final PayloadConverter converter;

    MethodRequestHandler(Object bean, Method method, PayloadConverter converter) {
        this.bean = bean;
        this.method = method;
        this.contextIndex = contextIndex(method);
        this.bodyIndex = bodyIndex(method);
        this.bodyType = (this.bodyIndex >= 0)
                ? ResolvableType.forMethodParameter(new MethodParameter(method, this.bodyIndex)) : null;
        this.returnType = ResolvableType.forMethodReturnType(method);
        this.converter = converter;
        ReflectionUtils.makeAccessible(method);
    }

    /** Returns the index of the first parameter of type {@link RequestContext}, or -1. */
    private static int contextIndex(Method method) {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == RequestContext.class) {
                return i;
            }
        }
        return -1;
    }

    /** Returns the index of the first parameter that is not a {@link RequestContext}, or -1. */
    private static int bodyIndex(Method method) {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] != RequestContext.class) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public @Nullable List<byte[]> handle(List<byte[]> body, RequestContext context) throws Exception {
        Object[] arguments = new Object[this.method.getParameterCount()];
        if (this.bodyType != null) {
            arguments[this.bodyIndex] = this.converter.read(body, this.bodyType);
        }
        if (this.contextIndex >= 0) {
            arguments[this.contextIndex] = context;
        }
        Object result;
        try {
            result = this.method.invoke(this.bean, arguments);
        }
        catch (InvocationTargetException ex) {
            // The caller should see the handler's own exception, not the reflection wrapper.
            Throwable cause = ex.getTargetException();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw (Error) cause;
        }
        return (result != null) ? this.converter.write(result, this.returnType) : null;
    }

    @Override
    public String toString() {
        return this.method.toGenericString();
    }
}
