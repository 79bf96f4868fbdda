package io.lvs4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/embedding.md shows EmbeddedDirector's tagged regions verbatim, in order. */
class ReadmeSnippetsTest {
    private static final Pattern REGION = Pattern.compile("// tag::(\\w+)\\[\\]\n(.*?)\n\\s*// end::\\1\\[\\]",
            Pattern.DOTALL);
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)\n```", Pattern.DOTALL);

    private static String dedent(String text) {
        int indent = Integer.MAX_VALUE;
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString().stripTrailing();
    }

    @Test
    void readme_embeddingSection_showsTheExampleCodeVerbatim() throws Exception {
        String source = Files.readString(Path.of("src/main/java/io/lvs4j/examples/EmbeddedDirector.java"));
        String readme = Files.readString(Path.of("../docs/embedding.md"));
        int start = readme.indexOf("# Embedding a director\n");
        assertThat(start).as("README section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);

        List<String> regions = new ArrayList<>();
        Matcher r = REGION.matcher(source);
        while (r.find()) {
            regions.add(dedent(r.group(2)));
        }
        List<String> blocks = new ArrayList<>();
        Matcher b = JAVA_BLOCK.matcher(section);
        while (b.find()) {
            blocks.add(b.group(1));
        }
        assertThat(regions).hasSize(3);
        assertThat(blocks).containsExactlyElementsOf(regions);
    }

    /** README's first java block under {@code heading}. */
    private static String firstJavaBlock(String heading) throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int start = readme.indexOf(heading + "\n");
        assertThat(start).as("README section " + heading).isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        Matcher b = JAVA_BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        assertThat(b.find()).as("a java block in " + heading).isTrue();
        return b.group(1);
    }

    /** QuickStart's region tagged {@code tag}, dedented. */
    private static String quickStartRegion(String tag) throws Exception {
        Matcher r = REGION.matcher(Files.readString(Path.of("src/main/java/io/lvs4j/examples/QuickStart.java")));
        while (r.find()) {
            if (r.group(1).equals(tag)) {
                return dedent(r.group(2));
            }
        }
        throw new AssertionError("no region tagged " + tag + " in QuickStart");
    }

    @Test
    void readme_gettingStarted_showsQuickStartVerbatim() throws Exception {
        assertThat(firstJavaBlock("## Getting started")).isEqualTo(quickStartRegion("quickstart"));
    }

    @Test
    void readme_embeddingSection_showsTheInMemoryStartVerbatim() throws Exception {
        assertThat(firstJavaBlock("## Embedding a director")).isEqualTo(quickStartRegion("inmemory"));
    }
}
