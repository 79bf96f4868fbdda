package io.lvs4j.health;

import io.lvs4j.health.internal.Hex;
import io.lvs4j.internal.Preconditions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code url} of an HTTP check: the path, the expected status codes (keepalived's default
 * 200-299), an optional MD5 digest of the body (genhash's), an optional Host override and an
 * optional body regex (matched in the first {@link HttpChecker#maxBytes()} bytes of the body).
 */
public final class HttpUrlCheck {
    private final String path;
    private final int[] statusRanges; // from,to pairs
    private final String digest;
    private final String virtualhost;
    private final Pattern regex;
    private final boolean regexNoMatch;
    private final long regexMinOffset;
    private final long regexMaxOffset;

    private HttpUrlCheck(Builder b) {
        this.path = b.path;
        int[] r = new int[b.ranges.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = b.ranges.get(i);
        }
        this.statusRanges = r.length == 0 ? new int[] {200, 299} : r;
        this.digest = b.digest;
        this.virtualhost = b.virtualhost;
        this.regex = b.regex;
        this.regexNoMatch = b.regexNoMatch;
        this.regexMinOffset = b.regexMinOffset;
        this.regexMaxOffset = b.regexMaxOffset;
    }

    public static Builder builder(String path) {
        return new Builder(path);
    }

    public String path() {
        return path;
    }

    /** The expected digest, lower-case hex, or null. */
    public String digest() {
        return digest;
    }

    public String virtualhost() {
        return virtualhost;
    }

    public Pattern regex() {
        return regex;
    }

    public boolean regexNoMatch() {
        return regexNoMatch;
    }

    public boolean statusMatches(int status) {
        for (int i = 0; i < statusRanges.length; i += 2) {
            if (status >= statusRanges[i] && status <= statusRanges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** The expected codes as keepalived writes them, e.g. {@code 200-299, 301}. */
    public String statusText() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < statusRanges.length; i += 2) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(statusRanges[i]);
            if (statusRanges[i + 1] != statusRanges[i]) {
                b.append('-').append(statusRanges[i + 1]);
            }
        }
        return b.toString();
    }

    boolean regexMatches(String body) {
        return HttpChecker.regexFind(regex, body, regexMinOffset, regexMaxOffset);
    }

    static String checkHost(String host) {
        Preconditions.checkNotNull(host, "virtualhost");
        Preconditions.checkArgument(!host.isEmpty() && host.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                "virtualhost", host, "a host name without spaces or control characters");
        return host;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpUrlCheck u && path.equals(u.path) && java.util.Arrays.equals(statusRanges, u.statusRanges)
                && Objects.equals(digest, u.digest) && Objects.equals(virtualhost, u.virtualhost)
                && Objects.equals(regex == null ? null : regex.pattern(), u.regex == null ? null : u.regex.pattern())
                && (regex == null || regex.flags() == u.regex.flags()) && regexNoMatch == u.regexNoMatch
                && regexMinOffset == u.regexMinOffset && regexMaxOffset == u.regexMaxOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, java.util.Arrays.hashCode(statusRanges), digest, virtualhost,
                regex == null ? null : regex.pattern(), regexNoMatch);
    }

    @Override
    public String toString() {
        return path + " status " + statusText() + (digest == null ? "" : " digest " + digest)
                + (virtualhost == null ? "" : " host " + virtualhost)
                + (regex == null ? "" : (regexNoMatch ? " !~ " : " ~ ") + regex.pattern());
    }

    /** Builds an {@link HttpUrlCheck}. */
    public static final class Builder {
        private final String path;
        private final List<Integer> ranges = new ArrayList<>();
        private String digest;
        private String virtualhost;
        private Pattern regex;
        private boolean regexNoMatch;
        private long regexMinOffset;
        private long regexMaxOffset = -1;

        private Builder(String path) {
            Preconditions.checkNotNull(path, "path");
            Preconditions.checkArgument(path.startsWith("/") && path.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                    "path", path, "an absolute path starting with /, no spaces or control characters");
            this.path = path;
        }

        /** Adds one expected status code (100..999). */
        public Builder status(int code) {
            return status(code, code);
        }

        /** Adds an expected range of status codes, inclusive. */
        public Builder status(int from, int to) {
            Preconditions.checkInRange(from, 100, 999, "status_code");
            Preconditions.checkInRange(to, 100, 999, "status_code");
            Preconditions.checkArgument(from <= to, "status_code", from + "-" + to, "start <= end");
            ranges.add(from);
            ranges.add(to);
            return this;
        }

        /** The MD5 of the body as 32 hex digits (genhash's output). */
        public Builder digest(String hex) {
            byte[] b = Hex.decode(hex);
            Preconditions.checkArgument(b != null && b.length == 16, "digest", hex, "32 hex digits");
            this.digest = hex.toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder virtualhost(String host) {
            this.virtualhost = checkHost(host);
            return this;
        }

        /** The body must contain a match (Java regex syntax). */
        public Builder regex(String pattern) {
            return regex(pattern, 0);
        }

        /** The body must contain a match; flags as {@link Pattern#compile(String, int)}. */
        public Builder regex(String pattern, int flags) {
            Preconditions.checkNotNull(pattern, "regex");
            try {
                this.regex = Pattern.compile(pattern, flags);
            } catch (PatternSyntaxException e) {
                throw Preconditions.invalid("regex", pattern, "a valid regular expression (" + e.getDescription() + ")");
            } catch (IllegalArgumentException e) {
                throw Preconditions.invalid("regex flags", flags, "java.util.regex.Pattern flags");
            }
            return this;
        }

        /** The body must not contain a match of the regex. */
        public Builder regexNoMatch() {
            this.regexNoMatch = true;
            return this;
        }

        /** The match must start at or after this body offset, and at or before {@code max} (-1: any). */
        public Builder regexOffsets(long min, long max) {
            Preconditions.checkInRange(min, 0, Integer.MAX_VALUE, "regex_min_offset");
            Preconditions.checkInRange(max, -1, Integer.MAX_VALUE, "regex_max_offset");
            Preconditions.checkArgument(max < 0 || max >= min, "regex_max_offset", max, ">= regex_min_offset " + min);
            this.regexMinOffset = min;
            this.regexMaxOffset = max;
            return this;
        }

        public HttpUrlCheck build() {
            Preconditions.checkArgument(!regexNoMatch || regex != null, "regex_no_match", true, "only with a regex");
            return new HttpUrlCheck(this);
        }
    }
}
