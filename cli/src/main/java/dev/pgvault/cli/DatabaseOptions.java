package dev.pgvault.cli;

import dev.pgvault.config.DatabaseTarget;
import picocli.CommandLine.Option;

/** --database-url, defaulting to $DATABASE_URL as in the runbook. */
public final class DatabaseOptions {
    @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:DATABASE_URL}",
            description = "postgresql://user:password@host:5432/db[?sslmode=require] (default: $DATABASE_URL).")
    String url;

    DatabaseTarget target() {
        if (url == null || url.isBlank()) {
            throw new CommandFailure("--database-url is required (or set DATABASE_URL)", 2);
        }
        return DatabaseTarget.parseUrl(url, "--database-url");
    }
}
