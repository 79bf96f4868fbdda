package io.lvs4j.director.config.internal;

/**
 * A word or brace of a keepalived configuration, with where it came from. Words from a parameter
 * substitution carry the location of the {@code $} that produced them.
 */
public record Token(Kind kind, String text, boolean quoted, String file, int line, int column) {
    public enum Kind { WORD, OPEN, CLOSE, EOL }

    public boolean isWord() {
        return kind == Kind.WORD;
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + " " + kind + (kind == Kind.WORD ? " " + text : "");
    }
}
