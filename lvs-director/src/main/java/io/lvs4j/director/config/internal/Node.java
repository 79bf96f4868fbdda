package io.lvs4j.director.config.internal;

import java.util.List;

/**
 * One statement: a keyword, its arguments, and the statements of its {@code { }} block if it has
 * one ({@code children == null} when it has none).
 */
public record Node(Token keyword, List<Token> args, List<Node> children) {
    public String name() {
        return keyword.text();
    }

    public boolean hasBlock() {
        return children != null;
    }

    public Token arg(int i) {
        return args.get(i);
    }

    /** The arguments joined by single spaces (script command lines and the like). */
    public String joinedArgs(int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < args.size(); i++) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            Token t = args.get(i);
            boolean needsQuotes = t.quoted() && (t.text().isEmpty() || t.text().indexOf(' ') >= 0 || t.text().indexOf('\t') >= 0);
            sb.append(needsQuotes ? '"' + t.text() + '"' : t.text());
        }
        return sb.toString();
    }
}
