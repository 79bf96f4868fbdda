package io.lvs4j.lab;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link RequiresUmlLab}: skips on {@code -Dlvs4j.lab=skip}, fails
 * with the cause when the lab is unavailable, and resolves {@link UmlLab} parameters.
 */
public final class UmlLabExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {
    /** The system property that switches lab tests off: {@code -Dlvs4j.lab=skip}. */
    public static final String PROPERTY = "lvs4j.lab";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return skipRequested(System.getProperty(PROPERTY))
                ? ConditionEvaluationResult.disabled("-D" + PROPERTY + "=skip: lab tests skipped on request")
                : ConditionEvaluationResult.enabled("lab tests enabled (-D" + PROPERTY + "=skip skips them)");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Optional<String> cause = UmlLab.unavailabilityCause();
        if (cause.isPresent()) {
            throw new IllegalStateException("the UML lab is not available: " + cause.get()
                    + ". Install it with lab/install-deps (as root), or skip lab tests with -D"
                    + PROPERTY + "=skip");
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == UmlLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return UmlLab.defaults();
    }

    /**
     * Whether the property's value asks to skip; an unknown value is a mistake, not a silent run.
     */
    static boolean skipRequested(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "skip":
                return true;
            case "run":
                return false;
            default:
                throw new IllegalArgumentException(PROPERTY + ": \"" + value + "\" (expected: skip or run)");
        }
    }
}
