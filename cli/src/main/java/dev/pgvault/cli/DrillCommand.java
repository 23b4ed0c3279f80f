package dev.pgvault.cli;

import dev.pgvault.archive.Manifest;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.sandbox.ThrowawayPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A disaster-recovery drill: back up, restore into a scratch database, compare with the
 * manifest, and report how long each step took (the restore's duration is the RTO the
 * backup offers; the backup's age at restore is the RPO).
 *
 * <p>Without {@code --database-url} it brings its own throwaway PostgreSQL and a small
 * auth-service database, so it runs on a laptop with nothing set up.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Back up, restore into a scratch database and verify, timing each step."
                + " Without --database-url, on a throwaway PostgreSQL with a sample auth-service database.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:the drill passed",
            "1:a step failed (named in the message)",
            ExitCodes.USAGE_LINE,
            "130:interrupted by Ctrl-C (SIGINT)",
            "143:interrupted by SIGTERM"})
public final class DrillCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private final Terminal terminal;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "Drill on this database (a scratch database is created beside it and dropped after).")
    String url;

    /** Where to keep the drill's backup (default: a temporary directory, removed after). */
    @Mixin
    RepositoryOptions repository;

    @Option(names = "--users", defaultValue = "10000", paramLabel = "N",
            description = "Users in the sample database (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--keep", description = "Keep the scratch database after the drill.")
    boolean keep;

    public DrillCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        Instant drillStart = Instant.now();
        terminal.say("pgvault drill");
        ThrowawayPostgres server = null;
        Path temporaryRepo = null;
        DatabaseTarget source;
        String scratch = null;
        DatabaseTarget scratchTarget = null;
        try {
            if (url == null) {
                Instant t = Instant.now();
                server = ThrowawayPostgres.start();
                source = new DatabaseTarget("127.0.0.1", server.port(), "auth", server.superuser(), null, Map.of());
                step("server", server.description() + ", PostgreSQL " + serverVersion(server), t);
                t = Instant.now();
                server.createDatabase("auth");
                try (Connection c = source.connect()) {
                    SampleDatabase.load(c, users);
                }
                step("load", String.format("database auth: %,d users with their refresh tokens", users), t);
            } else {
                source = DatabaseTarget.parseUrl(url, "--database-url");
                terminal.say("  source      " + source);
            }

            BackupStore store;
            if (!repository.given()) {
                temporaryRepo = Files.createTempDirectory("pgvault-drill-");
                store = new DirectoryStore(temporaryRepo);
            } else {
                store = repository.open();
            }

            Instant t = Instant.now();
            // A key of the drill's own: the drill proves the machinery, not this machine's key.
            var signer = dev.pgvault.archive.signing.LocalSigningKey.loadOrCreate(
                    java.nio.file.Files.createTempDirectory("pgvault-drill-key").resolve("signing"), () -> { });
            BackupOutcome backup = new BackupService(store, source::connect, BackupMetrics.NONE, Clock.systemUTC(),
                    DumpOptions.defaults(), signer).run(BackupRequest.unencrypted(BackupKind.MANUAL, "drill", 6),
                    new ProgressReporter(terminal));
            Manifest manifest = backup.manifest();
            String where = temporaryRepo == null ? store.location() + "/" + backup.key() : backup.key();
            step("backup", String.format("%s: %d tables, %,d rows, %s", where,
                    manifest.tables().size(), manifest.totalRows(), Terminal.bytes(manifest.storedBytes())), t);

            t = Instant.now();
            scratch = "pgvault_drill_" + STAMP.format(t);
            createDatabase(source, scratch);
            scratchTarget = source.withDatabase(scratch);
            RestoreReport report;
            try (Connection target = scratchTarget.connect()) {
                report = new RestoreService(store, Clock.systemUTC(), new dev.pgvault.verify.ManifestTrust(
                        dev.pgvault.archive.signing.TrustedKeys.of(java.util.List.of(signer.publicKey())), false,
                        terminal::error)).restore(backup.key(), target, scratch,
                        RestoreOptions.defaults(), dev.pgvault.archive.crypto.Decryptors.none(), new ProgressReporter(terminal));
            }
            step("restore", String.format("into %s: %d tables, %,d rows, checksum verified", scratch, report.tables(),
                    report.rows()), t);
            terminal.say(String.format("  verify      %d of %d tables match the manifest (row counts and content hashes)",
                    manifest.tables().size() - report.verification().details().size(), manifest.tables().size()));

            Duration rto = Duration.between(t, Instant.now());
            Duration rpo = Duration.between(manifest.snapshotTime(), t);
            terminal.say(String.format("drill passed in %s: restore took %s (RTO), the backup was %s old (RPO)",
                    Terminal.seconds(Duration.between(drillStart, Instant.now())), Terminal.seconds(rto),
                    Terminal.seconds(rpo)));
            return 0;
        } finally {
            if (scratch != null && !keep) {
                dropDatabase(source(server, url), scratch);
            }
            if (server != null) {
                server.close();
            }
            if (temporaryRepo != null) {
                ThrowawayPostgres.deleteRecursively(temporaryRepo);
            }
        }
    }

    private DatabaseTarget source(ThrowawayPostgres server, String url) {
        return server != null
                ? new DatabaseTarget("127.0.0.1", server.port(), "postgres", server.superuser(), null, Map.of())
                : DatabaseTarget.parseUrl(url, "--database-url");
    }

    private void step(String name, String what, Instant started) {
        terminal.say(String.format("  %-10s  %-80s %8s", name, what, Terminal.seconds(Duration.between(started,
                Instant.now()))));
    }

    private static String serverVersion(ThrowawayPostgres server) throws SQLException {
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void createDatabase(DatabaseTarget source, String name) throws SQLException {
        try (Connection c = source.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " TEMPLATE template0");
        }
    }

    private void dropDatabase(DatabaseTarget on, String name) {
        try (Connection c = on.connect(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            terminal.error("warning: could not drop scratch database " + name + ": " + e.getMessage());
        }
    }

}
