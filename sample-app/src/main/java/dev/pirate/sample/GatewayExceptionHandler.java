package dev.pirate.sample;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.pirate.client.PirateException;
import dev.pirate.client.PirateInvalidServiceException;
import dev.pirate.client.PirateRefusedException;
import dev.pirate.client.PirateRemoteException;
import dev.pirate.client.PirateTimeoutException;
import dev.pirate.client.PirateUnknownServiceException;

/**
 * Maps Pirate's failures to RFC 9457 problem details: no reply after every retry is 504, a service
 * without workers is 404, an invalid service name 400, a failed handler is 502, a request the broker refused is 503 with
 * {@code Retry-After} when it may succeed later (overloaded, expired) and 422 when it never will (too
 * large, poison), any other client failure is 503.
 */
@RestControllerAdvice(assignableTypes = GatewayController.class)
public class GatewayExceptionHandler {

    @ExceptionHandler
    ResponseEntity<ProblemDetail> timeout(PirateTimeoutException ex) {
        ProblemDetail problem = problem(HttpStatus.GATEWAY_TIMEOUT, "Service timed out", ex);
        problem.setProperty("attempts", ex.attempts());
        problem.setProperty("elapsedMillis", ex.elapsed().toMillis());
        return ResponseEntity.of(problem).build();
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unknownService(PirateUnknownServiceException ex) {
        return ResponseEntity.of(problem(HttpStatus.NOT_FOUND, "Unknown service", ex)).build();
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> invalidService(PirateInvalidServiceException ex) {
        return ResponseEntity.of(problem(HttpStatus.BAD_REQUEST, "Invalid service name", ex)).build();
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> remoteFailure(PirateRemoteException ex) {
        ProblemDetail problem = problem(HttpStatus.BAD_GATEWAY, "Service failed", ex);
        problem.setProperty("remoteMessage", ex.remoteMessage());
        return ResponseEntity.of(problem).build();
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> refused(PirateRefusedException ex) {
        HttpStatus status = ex.isTransient() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.UNPROCESSABLE_CONTENT;
        ProblemDetail problem = problem(status, "Request refused by the broker", ex);
        problem.setProperty("reason", ex.word());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (ex.isTransient()) {
            response.header("Retry-After", "1");
        }
        return response.body(problem);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> otherFailure(PirateException ex) {
        return ResponseEntity.of(problem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", ex)).build();
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> gatewayProblem(ErrorResponseException ex) {
        return ResponseEntity.of(ex.getBody()).build();
    }

    private static ProblemDetail problem(HttpStatus status, String title, PirateException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
        problem.setTitle(title);
        problem.setProperty("service", ex.target());
        return problem;
    }
}
