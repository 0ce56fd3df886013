package dev.pirate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method that handles the requests of a {@link MajordomoService @MajordomoService} bean.
 * A service bean declares exactly one.
 * <p>
 * The method takes at most one body parameter and returns a value. The body parameter receives the
 * request body and the return value becomes the reply body, converted by {@link PayloadConverter}:
 * <ul>
 * <li>{@code byte[]}: the first body frame, as is;</li>
 * <li>{@code String}: the first body frame, decoded as UTF-8;</li>
 * <li>{@code List<byte[]>}: every body frame;</li>
 * <li>any other type: the first body frame, read or written as JSON with the application's
 * Jackson {@code JsonMapper}.</li>
 * </ul>
 * The method may also declare, in any position, a parameter of type
 * {@link dev.pirate.worker.RequestContext}: the service, and the caller's request id and deadline
 * when the broker speaks PX/1, for example to give up on work nobody waits for any more.
 * <p>
 * The method is called on a worker thread; with a {@code concurrency} above 1 it is called from
 * several threads at once.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MajordomoHandler {

}
