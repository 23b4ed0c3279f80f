package dev.pgvault.cli;

import dev.pgvault.archive.Manifest;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.verify.VerificationRecord;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault metrics --repo REPO}: the repository's state in the Prometheus text format, with
 * the runbook's metric names ({@code auth_db_last_backup_timestamp}, {@code auth_db_backup_duration_seconds},
 * {@code auth_db_backup_size_bytes}) and verification gauges, one set per backup name (its
 * dashes become underscores). {@code --textfile DIR} writes {@code DIR/pgvault_<name>.prom}
 * atomically for node-exporter's textfile collector; {@code --pushgateway URL} pushes it.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Print the repository's backups and verifications as Prometheus metrics (text format).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:printed (written, pushed)",
            "1:the repository could not be read, the file not written or the push refused",
            ExitCodes.USAGE_LINE})
public final class MetricsCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Mixin
    RepositoryOptions repository;

    @Option(names = "--name", paramLabel = "NAME", description = "Only this backup name (default: every name in the repository).")
    String name;

    @Option(names = "--textfile", paramLabel = "DIR",
            description = "Write pgvault_<name>.prom into DIR (node-exporter's --collector.textfile.directory), atomically.")
    Path textfile;

    @Option(names = "--pushgateway", paramLabel = "URL",
            description = "Push to a Prometheus Pushgateway (job pgvault, grouped by backup_name).")
    URI pushgateway;

    public MetricsCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (name != null) {
            BackupKey.checkName(name);
        }
        if (textfile != null && !Files.isDirectory(textfile)) {
            throw new UsageError("--textfile " + textfile + ": no such directory");
        }
        BackupStore store = repository.open();
        Map<String, MetricSnapshots> byName = snapshots(store, name);
        if (byName.isEmpty()) {
            invocation.terminal().error("no complete backups" + (name == null ? "" : " named " + name) + " in "
                    + store.location());
        }
        for (Map.Entry<String, MetricSnapshots> entry : byName.entrySet()) {
            byte[] text = text(entry.getValue());
            if (textfile == null && pushgateway == null) {
                invocation.terminal().out().write(text);
                invocation.terminal().out().flush();
            }
            if (textfile != null) {
                Path target = textfile.resolve("pgvault_" + prefix(entry.getKey()) + ".prom");
                Path temporary = Files.createTempFile(textfile, ".pgvault_" + prefix(entry.getKey()), ".prom.tmp");
                try {
                    Files.write(temporary, text);
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temporary);
                }
                invocation.terminal().say("wrote " + target);
            }
            if (pushgateway != null) {
                push(entry.getKey(), text);
            }
        }
        return ExitCodes.OK;
    }

    /** The metrics of every backup name (or the one asked for), in the Prometheus data model. */
    static Map<String, MetricSnapshots> snapshots(BackupStore store, String only) {
        BackupCatalog catalog = new BackupCatalog(store);
        Map<String, List<BackupCatalog.Entry>> byName = new TreeMap<>();
        for (BackupCatalog.Entry entry : catalog.list()) {
            if (only == null || only.equals(entry.key().backupName())) {
                byName.computeIfAbsent(entry.key().backupName(), k -> new ArrayList<>()).add(entry);
            }
        }
        Map<String, Integer> incomplete = new TreeMap<>();
        for (BackupCatalog.Incomplete run : catalog.incomplete()) {
            BackupKey.parse(run.key()).ifPresent(k -> incomplete.merge(k.backupName(), 1, Integer::sum));
        }
        Map<String, MetricSnapshots> out = new TreeMap<>();
        byName.forEach((backupName, entries) -> {
            String p = prefix(backupName);
            List<MetricSnapshot> metrics = new ArrayList<>();
            BackupCatalog.Entry newest = entries.stream().max(Comparator.comparing(e -> e.key().time())).orElseThrow();
            Manifest manifest = catalog.manifest(newest.key().key());
            Instant finished = manifest.finishedAt() != null ? manifest.finishedAt() : manifest.snapshotTime();
            metrics.add(gauge(p + "_last_backup_timestamp", "When the newest complete backup finished (Unix time, s)",
                    seconds(finished)));
            metrics.add(gauge(p + "_backup_duration_seconds", "How long the newest backup took", manifest.durationMillis() / 1000.0));
            metrics.add(gauge(p + "_backup_size_bytes", "Stored size of the newest backup", manifest.storedBytes()));
            metrics.add(gauge(p + "_backup_raw_size_bytes", "Uncompressed SQL size of the newest backup", manifest.rawBytes()));
            metrics.add(gauge(p + "_backup_rows", "Rows in the newest backup", manifest.totalRows()));
            metrics.add(gauge(p + "_backups", "Complete backups in the repository", entries.size()));
            metrics.add(gauge(p + "_backup_incomplete", "Backup objects without a manifest (interrupted or running runs)",
                    incomplete.getOrDefault(backupName, 0)));
            List<VerificationRecord> records = entries.stream().filter(e -> e.verification().isPresent())
                    .map(e -> VerificationRecord.load(store, e.key().key())).flatMap(Optional::stream)
                    .sorted(Comparator.comparing(VerificationRecord::checkedAt)).toList();
            if (!records.isEmpty()) {
                VerificationRecord last = records.get(records.size() - 1);
                metrics.add(gauge(p + "_last_verification_timestamp", "When a backup was last verified (Unix time, s)",
                        seconds(last.checkedAt())));
                metrics.add(gauge(p + "_last_verification_success", "1 if the last verification was OK, else 0",
                        "OK".equals(last.status()) ? 1 : 0));
                metrics.add(gauge(p + "_last_verification_duration_seconds", "How long the last verification took",
                        last.durationMillis() / 1000.0));
                records.stream().filter(r -> "OK".equals(r.status())).reduce((a, b) -> b).ifPresent(ok ->
                        metrics.add(gauge(p + "_last_successful_verification_timestamp",
                                "When a backup last verified OK (Unix time, s)", seconds(ok.checkedAt()))));
            }
            out.put(backupName, new MetricSnapshots(metrics));
        });
        return out;
    }

    static byte[] text(MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, snapshots);
        return out.toByteArray();
    }

    private void push(String backupName, byte[] text) throws IOException, InterruptedException {
        String base = pushgateway.toString().replaceAll("/+$", "");
        URI target = URI.create(base + "/metrics/job/pgvault/backup_name/"
                + URLEncoder.encode(backupName, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(text)).build();
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new dev.pgvault.errors.PgvaultException("the Pushgateway at " + base + " answered HTTP "
                    + response.statusCode() + " to the metrics of " + backupName);
        }
        invocation.terminal().say("pushed the metrics of " + backupName + " to " + base);
    }

    /** The runbook's prefix: auth-db -> auth_db. */
    static String prefix(String backupName) {
        return backupName.replace('-', '_');
    }

    private static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}
