package io.lvs4j.lab;

import java.io.IOException;

/** The lab harness itself failed: no UML, a module did not load, the guest died early. */
public final class LabException extends IOException {
    private static final long serialVersionUID = 1L;

    public LabException(String message) {
        super(message);
    }
}
