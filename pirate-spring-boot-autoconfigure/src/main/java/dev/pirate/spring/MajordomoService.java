package dev.pirate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean as the handler of a Majordomo (MDP/0.1) service: when the application context starts,
 * Pirate opens {@link #concurrency()} worker connections for the service to the broker at
 * {@code pirate.worker.endpoint}, and every request they receive is handled by this bean.
 * <p>
 * The bean either implements {@link dev.pirate.worker.RequestHandler} (raw frames in, raw frames out)
 * or declares exactly one method annotated {@link MajordomoHandler @MajordomoHandler}, whose parameter
 * and return types choose the conversion:
 * <pre>{@code
 * @MajordomoService("echo")
 * class EchoService {
 *
 *     @MajordomoHandler
 *     String echo(String text) {
 *         return text;
 *     }
 * }
 * }</pre>
 * An exception thrown by the handler is sent back as a Pirate error reply and reaches a Pirate client
 * as a {@link dev.pirate.client.PirateRemoteException} naming the service and the message.
 * <p>
 * This is a {@link Component @Component} stereotype: annotated classes are found by component
 * scanning. The bean name is derived from the class as usual, never from the service name.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface MajordomoService {

    /**
     * Alias for {@link #service()}.
     * @return the service name
     */
    @AliasFor("service")
    String value() default "";

    /**
     * The service name: 1 to 255 printable ASCII characters without spaces, not starting with
     * {@code mmi.}. Explicitly aliased, so Spring never takes it for the bean name.
     * @return the service name
     */
    @AliasFor("value")
    String service() default "";

    /**
     * How many requests this bean handles at once: with {@link #prefetch()} 1, each is one worker
     * connection with its own thread; above 1, the handler threads of the one connection.
     * @return at least 1
     */
    int concurrency() default 1;

    /**
     * How many requests the service's worker takes from the broker at once (PX/1 worker credit,
     * {@code docs/rfc/px-1.md} section 5.1). With 1 (the default) the worker opens
     * {@link #concurrency()} connections, one request at a time each, as MDP/0.1 says. Above 1 it
     * opens one connection and offers the broker this credit: a Pirate broker then keeps that many
     * requests in flight on it, and no request waits for a broker round trip. With a concurrency of
     * 1 the connection's thread runs them in turn (fastest for short handlers); above 1,
     * {@link #concurrency()} handler threads run them (for handlers that wait). Requests beyond the
     * handlers wait in the worker, behind a slow one; a prefetch equal to the concurrency avoids
     * that. A broker without credit gives such a worker one request at a time.
     * @return 1 to 65535
     */
    int prefetch() default 1;
}
