package io.lvs4j.lab;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs the lab. When the lab is not available on this machine, its tests
 * <em>fail</em> with the cause (CI installs it through {@code lab/install-deps}); with
 * {@code -Dlvs4j.lab=skip} they are skipped instead. Test methods and constructors may take a
 * {@link UmlLab} parameter, which receives {@link UmlLab#defaults()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(UmlLabExtension.class)
public @interface RequiresUmlLab {}
