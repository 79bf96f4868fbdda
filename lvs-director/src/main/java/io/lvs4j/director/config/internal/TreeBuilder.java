package io.lvs4j.director.config.internal;

import java.util.ArrayList;
import java.util.List;

/** Turns words and braces into statements with blocks, reporting unbalanced braces. */
public final class TreeBuilder {
    static final int MAX_DEPTH = 32;

    private final List<Token> tokens;
    private final Problems problems;
    private int pos;

    public TreeBuilder(List<Token> tokens, Problems problems) {
        this.tokens = tokens;
        this.problems = problems;
    }

    public List<Node> build() {
        return block(null, 0);
    }

    private Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private List<Node> block(Token open, int depth) {
        List<Node> nodes = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t == null) {
                if (open != null) {
                    problems.error(open, "'{': block not closed (expected: a matching '}')");
                }
                return nodes;
            }
            switch (t.kind()) {
                case EOL:
                    pos++;
                    break;
                case CLOSE:
                    pos++;
                    if (open != null) {
                        return nodes;
                    }
                    problems.error(t, "'}': extra '}' (expected: a block to close)");
                    break;
                case OPEN:
                    pos++;
                    problems.error(t, "'{': unexpected '{' (expected: a keyword before it)");
                    skipBlock(t, depth + 1);
                    break;
                default:
                    nodes.add(statement(depth));
                    break;
            }
        }
    }

    private Node statement(int depth) {
        Token keyword = tokens.get(pos++);
        List<Token> args = new ArrayList<>();
        while (pos < tokens.size() && tokens.get(pos).kind() == Token.Kind.WORD) {
            args.add(tokens.get(pos++));
        }
        int save = pos;
        while (pos < tokens.size() && tokens.get(pos).kind() == Token.Kind.EOL) {
            pos++;
        }
        if (pos < tokens.size() && tokens.get(pos).kind() == Token.Kind.OPEN) {
            Token open = tokens.get(pos++);
            if (depth + 1 > MAX_DEPTH) {
                problems.error(open, "'{': blocks nested too deep (expected: at most " + MAX_DEPTH + " levels)");
                skipBlock(open, depth + 1);
                return new Node(keyword, List.copyOf(args), List.of());
            }
            return new Node(keyword, List.copyOf(args), List.copyOf(block(open, depth + 1)));
        }
        pos = save;
        return new Node(keyword, List.copyOf(args), null);
    }

    private void skipBlock(Token open, int depth) {
        int level = 1;
        while (pos < tokens.size()) {
            Token t = tokens.get(pos++);
            if (t.kind() == Token.Kind.OPEN) {
                level++;
            } else if (t.kind() == Token.Kind.CLOSE && --level == 0) {
                return;
            }
        }
        problems.error(open, "'{': block not closed (expected: a matching '}')");
    }
}
