package dev.pirate.sample;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.pirate.spring.PirateClient;

/**
 * An HTTP gateway to Majordomo services: the request body goes to the service as one frame, the first
 * reply frame comes back as the response body. The reply carries the request's content type, or
 * {@code application/octet-stream}. Failures become RFC 9457 problem details (see
 * {@link GatewayExceptionHandler}).
 */
@RestController
@RequestMapping("/api")
public class GatewayController {

    private final PirateClient pirateClient;

    /**
     * Creates the gateway.
     * @param pirateClient the client that calls the services
     */
    public GatewayController(PirateClient pirateClient) {
        this.pirateClient = pirateClient;
    }

    /**
     * Forwards a request to a service through the broker.
     * @param service the service name
     * @param body the request body, possibly empty
     * @param contentType the request's content type, repeated on the reply
     * @return the reply
     */
    @PostMapping("/services/{service}")
    public ResponseEntity<byte[]> callService(@PathVariable String service,
            @RequestBody(required = false) byte @Nullable [] body,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Nullable MediaType contentType) {
        return reply(this.pirateClient.request(service, bodyOf(body)), contentType);
    }

    /**
     * Forwards a request to a plain REQ/REP server configured under {@code pirate.client.direct.<name>}.
     * @param name the configured name
     * @param body the request body, possibly empty
     * @param contentType the request's content type, repeated on the reply
     * @return the reply
     */
    @PostMapping("/direct/{name}")
    public ResponseEntity<byte[]> callDirect(@PathVariable String name,
            @RequestBody(required = false) byte @Nullable [] body,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Nullable MediaType contentType) {
        if (!this.pirateClient.directNames().contains(name)) {
            throw problem(HttpStatus.NOT_FOUND, "Unknown direct endpoint",
                    "No direct endpoint named '" + name + "' is configured");
        }
        return reply(this.pirateClient.direct(name).request(bodyOf(body)), contentType);
    }

    private static byte[] bodyOf(byte @Nullable [] body) {
        return (body != null) ? body : new byte[0];
    }

    private static ResponseEntity<byte[]> reply(byte[] body, @Nullable MediaType contentType) {
        return ResponseEntity.ok()
            .contentType((contentType != null) ? contentType : MediaType.APPLICATION_OCTET_STREAM)
            .body(body);
    }

    private static ErrorResponseException problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }
}
