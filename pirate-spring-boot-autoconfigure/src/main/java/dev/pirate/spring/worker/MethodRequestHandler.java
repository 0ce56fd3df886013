package dev.pirate.spring.worker;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

import dev.pirate.spring.PayloadConverter;
import dev.pirate.worker.RequestHandler;

/**
 * Adapts a {@link dev.pirate.spring.MajordomoHandler @MajordomoHandler} method to a
 * {@link RequestHandler}: converts the request frames to the parameter, invokes the method and
 * converts the return value to reply frames.
 */
final class MethodRequestHandler implements RequestHandler {

    private final Object bean;

    private final Method method;

    private final @Nullable ResolvableType parameterType;

    private final ResolvableType returnType;

    private final PayloadConverter converter;

    MethodRequestHandler(Object bean, Method method, PayloadConverter converter) {
        this.bean = bean;
        this.method = method;
        this.parameterType = (method.getParameterCount() == 0) ? null
                : ResolvableType.forMethodParameter(new MethodParameter(method, 0));
        this.returnType = ResolvableType.forMethodReturnType(method);
        this.converter = converter;
        ReflectionUtils.makeAccessible(method);
    }

    @Override
    public @Nullable List<byte[]> handle(List<byte[]> body) throws Exception {
        Object[] arguments = (this.parameterType != null)
                ? new Object[] { this.converter.read(body, this.parameterType) } : new Object[0];
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
