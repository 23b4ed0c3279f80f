package dev.pgvault.repoint;

import dev.pgvault.errors.InvalidRequestException;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Where a database listens: a host name or address, and a port when one is given explicitly.
 * A URL without a port means the driver's default (5432); that absence is kept so that
 * putting an old value back reproduces it exactly.
 */
public record DatabaseEndpoint(String host, OptionalInt port) {
    // DNS names, IPv4, or a bracketed IPv6 literal; nothing that could smuggle URL syntax in.
    private static final Pattern HOST = Pattern.compile("^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$|^\\[[0-9A-Fa-f:.]+]$");

    public DatabaseEndpoint {
        if (host == null || host.isBlank() || host.length() > 253 || !HOST.matcher(host).matches()) {
            throw new InvalidRequestException("endpoint host '" + host + "' is not a valid host name or address");
        }
        if (port == null) {
            port = OptionalInt.empty();
        }
        if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
            throw new InvalidRequestException("endpoint port " + port.getAsInt() + " is outside 1-65535");
        }
    }

    public static DatabaseEndpoint of(String host, int port) {
        return new DatabaseEndpoint(host, OptionalInt.of(port));
    }

    public static DatabaseEndpoint of(String host) {
        return new DatabaseEndpoint(host, OptionalInt.empty());
    }

    /** host:port as it appears in a URL authority (no port when none was given). */
    public String authority() {
        return port.isPresent() ? host + ":" + port.getAsInt() : host;
    }

    @Override
    public String toString() {
        return authority();
    }
}
