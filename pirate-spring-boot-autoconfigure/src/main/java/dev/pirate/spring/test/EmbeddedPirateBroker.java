package dev.pirate.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a Spring test's application context an embedded Majordomo broker bound to a free port on
 * {@code 127.0.0.1}, and points the context's {@link dev.pirate.spring.MajordomoService @MajordomoService}
 * workers and its {@link dev.pirate.spring.PirateClient PirateClient} at it, whatever
 * {@code pirate.broker.*}, {@code pirate.worker.endpoint} and {@code pirate.client.endpoint} say:
 * <pre>{@code
 * @SpringBootTest
 * @EmbeddedPirateBroker
 * class EchoServiceTests {
 *
 *     @Test
 *     void echoes(@Autowired PirateClient pirate, @Autowired ApplicationContext context) {
 *         PirateTestSupport.awaitWorkersRegistered(context);
 *         assertThat(pirate.request("echo", "ahoy")).isEqualTo("ahoy");
 *     }
 * }
 * }</pre>
 * Contexts of test classes with this annotation are cached and shared like any other; each has its
 * own broker and port. Needs {@code spring-test} (as {@code spring-boot-starter-test} brings).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface EmbeddedPirateBroker {

}
