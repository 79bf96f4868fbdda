/**
 * The {@code lvs4j} command line (picocli). Not API: the module does not export this package.
 * {@link io.lvs4j.cli.Main} is the entry point of the shaded jar that {@code bin/lvs4j}
 * runs.
 */
package io.lvs4j.cli;
