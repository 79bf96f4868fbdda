package io.lvs4j.director.config;

import java.util.Objects;

/**
 * An entry of {@code track_interface}, {@code track_script}, {@code track_file} ...: the name, and
 * the weight to add to the priority ({@code null}: fault on failure) and whether it is reversed.
 */
public record TrackedObject(String name, Integer weight, boolean reverse) {
    public TrackedObject {
        Objects.requireNonNull(name, "name");
    }
}
