package io.lvs4j.director.config;

import java.util.List;

/** One {@code url} block of HTTP_GET / SSL_GET. Empty {@code statusCodes} means keepalived's 200-299. */
public record HttpUrl(String path, String digest, List<StatusRange> statusCodes, String virtualhost, String regex,
        boolean regexNoMatch, List<String> regexOptions, Long regexMinOffset, Long regexMaxOffset) {
    public HttpUrl {
        statusCodes = List.copyOf(statusCodes);
        regexOptions = List.copyOf(regexOptions);
    }
}
