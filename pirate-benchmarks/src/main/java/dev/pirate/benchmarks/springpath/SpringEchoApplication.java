package dev.pirate.benchmarks.springpath;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * The Spring variant's application: every auto-configuration on the class path, as in an
 * application with the starter, and the echo service imported rather than found by component
 * scanning, which would search the whole benchmarks jar.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(SpringEchoService.class)
public class SpringEchoApplication {
}
