package dev.pgvault.cli;

import dev.pgvault.config.DatabaseTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which database: --database-url, --database-url-file, $DATABASE_URL, and libpq's variables for
 * whatever those leave out (see {@link ConnectionSettings}). A password belongs in PGPASSWORD,
 * ~/.pgpass or the URL file, not in argv, where every user of the machine can read it.
 */
public final class DatabaseOptions {
    @Option(names = "--database-url", paramLabel = "URL",
            description = "postgresql://[user@]host[:port]/db[?sslmode=require] (default: $DATABASE_URL). Parts left out"
                    + " come from PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE, PGSSLROOTCERT; the password from"
                    + " PGPASSWORD, PGPASSFILE or ~/.pgpass. A password given here is visible in `ps`.")
    String url;

    @Option(names = "--database-url-file", paramLabel = "FILE",
            description = "Read the URL from the first line of FILE instead (keeps a password out of argv).")
    Path urlFile;

    /** The target, with a warning on stderr if its password came from the command line. */
    DatabaseTarget target(Invocation invocation) {
        if (url != null && urlFile != null) {
            throw new UsageError("give --database-url or --database-url-file, not both");
        }
        String given;
        String what;
        if (url != null) {
            given = url;
            what = "--database-url";
        } else if (urlFile != null) {
            given = firstLine(urlFile);
            what = "--database-url-file " + urlFile;
        } else {
            given = invocation.env("DATABASE_URL");
            what = "DATABASE_URL";
        }
        if (given == null && invocation.env("PGHOST") == null && invocation.env("PGDATABASE") == null) {
            throw new UsageError("which database? Give --database-url or --database-url-file, or set DATABASE_URL"
                    + " or libpq's PGHOST/PGDATABASE (with PGUSER, PGPASSWORD or ~/.pgpass)");
        }
        ConnectionSettings.Resolved resolved = ConnectionSettings.resolve(given, what, invocation.environment());
        if (resolved.urlHasPassword() && url != null) {
            invocation.terminal().error("warning: the password in --database-url is visible to other users of this"
                    + " machine (ps, /proc); use PGPASSWORD, ~/.pgpass or --database-url-file instead");
        }
        return resolved.target();
    }

    private static String firstLine(Path file) {
        try {
            String line = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (line.isEmpty()) {
                throw new UsageError("--database-url-file " + file + " is empty; its first line must be the URL");
            }
            return line;
        } catch (NoSuchFileException e) {
            throw new UsageError("--database-url-file " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageError("--database-url-file " + file + ": cannot read it (" + e.getClass().getSimpleName()
                    + ")");
        }
    }
}
