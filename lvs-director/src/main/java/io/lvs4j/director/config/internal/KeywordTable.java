package io.lvs4j.director.config.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keywords of one keepalived.conf block, each with the handler that reads it into the block's
 * builder: one place per block, built once. {@link #bind} records where each keyword was read
 * ({@link BlockBuilder#at}) before its handler runs; a keyword the table lacks goes to the block's
 * fallback (by default a warning that keepalived does not know it there).
 *
 * @param <B> the block's builder
 */
final class KeywordTable<B extends KeywordTable.BlockBuilder> {
    /** Reads one keyword's node into the block's builder. */
    @FunctionalInterface
    interface Handler<B> {
        void bind(Binder binder, B block, Node n);
    }

    /** A block being read: its settings, and where each keyword stood (the last one wins). */
    abstract static class BlockBuilder {
        final Map<String, Token> at = new LinkedHashMap<>();
    }

    private final String block;
    private final Map<String, Handler<? super B>> handlers;
    private final Handler<B> fallback;

    private KeywordTable(String block, Map<String, Handler<? super B>> handlers, Handler<B> fallback) {
        this.block = block;
        this.handlers = Map.copyOf(handlers);
        this.fallback = fallback;
    }

    /** A table for the block named {@code block} (as warnings name it). */
    static <B extends BlockBuilder> Builder<B> of(String block) {
        return new Builder<>(block);
    }

    /** Reads {@code n}, a statement of the block, into {@code b}. */
    void bind(Binder binder, B b, Node n) {
        Handler<? super B> h = handlers.get(n.name());
        if (h == null) {
            if (fallback != null) {
                fallback.bind(binder, b, n);
            } else {
                binder.unknown(n, block);
            }
            return;
        }
        b.at.put(n.name(), n.keyword());
        h.bind(binder, b, n);
    }

    /** Whether the table has a handler for {@code keyword}. */
    boolean knows(String keyword) {
        return handlers.containsKey(keyword);
    }

    static final class Builder<B extends BlockBuilder> {
        private final String block;
        private final Map<String, Handler<? super B>> handlers = new LinkedHashMap<>();
        private Handler<B> fallback;

        private Builder(String block) {
            this.block = block;
        }

        /** {@code handler} reads each of {@code keywords} (synonyms share one). */
        Builder<B> on(Handler<? super B> handler, String... keywords) {
            for (String k : keywords) {
                if (handlers.put(k, handler) != null) {
                    throw new IllegalStateException(block + ": " + k + " given twice");
                }
            }
            return this;
        }

        /** {@code handler} reads each of {@code keywords}. */
        Builder<B> on(Handler<? super B> handler, java.util.Collection<String> keywords) {
            return on(handler, keywords.toArray(new String[0]));
        }

        /** Every keyword of {@code shared} (a table of a block this one extends), read by its handler. */
        Builder<B> include(KeywordTable<? super B> shared) {
            shared.handlers.forEach((k, h) -> on(h, k));
            return this;
        }

        /** What reads a keyword the table lacks (default: the warning that keepalived does not know it here). */
        Builder<B> otherwise(Handler<B> handler) {
            this.fallback = handler;
            return this;
        }

        KeywordTable<B> build() {
            return new KeywordTable<>(block, handlers, fallback);
        }
    }
}
