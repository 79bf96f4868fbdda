package io.lvs4j.health;

/** A {@link DirectorBackend} could not apply a change; the message names the operation and the target. */
public class BackendException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
