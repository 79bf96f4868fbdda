/** Health checkers for real servers and the actions their results take. */
package io.lvs4j.health;
