package dev.pirate.spring.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A user configuration with one {@code @MajordomoService("echo")} bean that returns its text, for
 * the auto-configuration tests that need a service with a worker.
 */
@Configuration(proxyBeanMethods = false)
public class EchoServiceConfiguration {

    @Bean
    EchoService echoService() {
        return new EchoService();
    }
}
