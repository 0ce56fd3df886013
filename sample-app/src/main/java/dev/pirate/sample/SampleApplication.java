package dev.pirate.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application with an embedded Majordomo broker, two services and an HTTP gateway that
 * forwards requests to them through {@link dev.pirate.spring.PirateClient}.
 */
@SpringBootApplication
public class SampleApplication {

    /**
     * Starts the application; any property can be given as {@code --name=value}.
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
