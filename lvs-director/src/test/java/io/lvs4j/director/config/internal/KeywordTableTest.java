package io.lvs4j.director.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.director.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One block's keywords in one place: each read by its handler where it stands, none given twice. */
class KeywordTableTest {
    /** A block as read: the keywords its handlers saw, in order. */
    private static class Block extends KeywordTable.BlockBuilder {
        final List<String> read = new ArrayList<>();
    }

    /** A block that has the shared block's settings and its own. */
    private static final class Wider extends Block {
        final List<String> own = new ArrayList<>();
    }

    private static final KeywordTable<Block> SHARED = KeywordTable.<Block>of("shared")
            .on((b, x, n) -> x.read.add(n.name()), "retry", "warmup")
            .build();

    private static Node node(String keyword, int line) {
        return new Node(new Token(Token.Kind.WORD, keyword, false, "keepalived.conf", line, 2), List.of(), null);
    }

    @Test
    void bind_keywordGivenTwice_eachReadAndTheLastLocationKept() {
        Block b = new Block();
        Binder binder = new Binder(new Problems());
        SHARED.bind(binder, b, node("retry", 3));
        SHARED.bind(binder, b, node("warmup", 4));
        SHARED.bind(binder, b, node("retry", 5));
        assertThat(b.read).containsExactly("retry", "warmup", "retry");
        assertThat(b.at.get("retry").line()).isEqualTo(5);
        assertThat(b.at.get("warmup").line()).isEqualTo(4);
    }

    @Test
    void bind_keywordNotInTheTable_warningNamingTheBlock_nothingRead() {
        Problems problems = new Problems();
        Wider b = new Wider();
        KeywordTable.<Wider>of("TCP_CHECK").include(SHARED).build().bind(new Binder(problems), b, node("bogus", 7));
        assertThat(b.read).isEmpty();
        assertThat(b.at).isEmpty();
        assertThat(problems.errors()).isEmpty();
        assertThat(problems.warnings()).extracting(ConfigProblem::toString).containsExactly("keepalived.conf:7:2: "
                + "TCP_CHECK: \"bogus\" (expected: a keyword keepalived 2.2 knows here) - ignored, as keepalived does");
    }

    @Test
    void include_sharedAndOwnKeywords_eachReadIntoTheWiderBlock() {
        KeywordTable<Wider> t = KeywordTable.<Wider>of("HTTP_GET").include(SHARED)
                .on((b, x, n) -> x.own.add(n.name()), "url")
                .build();
        Wider b = new Wider();
        Binder binder = new Binder(new Problems());
        t.bind(binder, b, node("url", 2));
        t.bind(binder, b, node("warmup", 3));
        assertThat(b.own).containsExactly("url");
        assertThat(b.read).containsExactly("warmup");
        assertThat(t.knows("retry")).isTrue();
    }

    @Test
    void on_keywordTheIncludedTableHas_refused() {
        KeywordTable.Builder<Wider> t = KeywordTable.<Wider>of("SMTP_CHECK").include(SHARED);
        assertThatThrownBy(() -> t.on((b, x, n) -> x.own.add(n.name()), "warmup"))
                .isInstanceOf(IllegalStateException.class).hasMessage("SMTP_CHECK: warmup given twice");
    }

    @Test
    void otherwise_keywordNotInTheTable_goesToTheFallbackWithoutLocation() {
        Problems problems = new Problems();
        Block b = new Block();
        KeywordTable.<Block>of("bgp_speaker").otherwise((x, y, n) -> y.read.add("fallback " + n.name())).build()
                .bind(new Binder(problems), b, node("bogus", 2));
        assertThat(b.read).containsExactly("fallback bogus");
        assertThat(b.at).isEmpty();
        assertThat(problems.warnings()).isEmpty();
    }
}
