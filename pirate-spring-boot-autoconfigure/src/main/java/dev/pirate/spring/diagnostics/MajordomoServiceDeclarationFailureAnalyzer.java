package dev.pirate.spring.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pirate.spring.worker.MajordomoServiceDeclarationException;

/**
 * Reports a {@link dev.pirate.spring.MajordomoService @MajordomoService} bean that Pirate cannot serve,
 * naming the bean, the problem and the fix.
 */
class MajordomoServiceDeclarationFailureAnalyzer extends AbstractFailureAnalyzer<MajordomoServiceDeclarationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MajordomoServiceDeclarationException cause) {
        return new FailureAnalysis("The @MajordomoService bean '" + cause.getBeanName() + "' " + cause.getProblem() + ".",
                "Change the bean: " + cause.getAction() + ".", cause);
    }
}
