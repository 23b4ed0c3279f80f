package dev.pgvault.pitr;

import dev.pgvault.errors.InvalidRequestException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Names of restored instances. The default is the one the state machine derives when none is
 * given: {@code <source>-pitr-<yyyy-mm-dd>-<hhmm>} of the restore time (UTC), so a restore
 * can be recognised and traced to its point in time from its name alone.
 */
public final class RestoreTarget {
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$");
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm").withZone(ZoneOffset.UTC);

    private RestoreTarget() {
    }

    public static String defaultName(String source, Instant time) {
        String name = source + "-pitr-" + SUFFIX.format(time);
        checkIdentifier("derived target name", name);
        return name;
    }

    /** RDS identifier rules: 1-63 letters, digits and hyphens, a letter first, no '--', no trailing '-'. */
    public static void checkIdentifier(String what, String identifier) {
        if (identifier == null || identifier.isBlank()) {
            throw new InvalidRequestException(what + " is required");
        }
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw new InvalidRequestException(what + " '" + identifier + "' is not a valid RDS instance identifier "
                    + "(1-63 letters, digits and hyphens, starting with a letter, no '--', not ending in '-')");
        }
    }
}
