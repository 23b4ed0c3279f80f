package dev.pgvault.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.Manifest;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgvault metrics}: its output parsed by the Prometheus client's own text-format parser
 * (Python's prometheus_client, Debian package python3-prometheus-client), not by pgvault's code.
 */
class CliPrometheusMetricsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String PARSER = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(sys.stdin.read()):
                out[family.name] = {"type": family.type, "help": family.documentation,
                                    "samples": [[s.name, s.labels, s.value] for s in family.samples]}
            print(json.dumps(out))
            """;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @TempDir
    Path textfiles;

    private String key;

    @BeforeEach
    void backUpAndVerify() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 50);
        }
        assertThat(CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString()).exitCode()).isZero();
        key = CliRun.of("list", "--repo", repo.toString(), "--json").out().replaceAll("(?s).*\"key\" *: *\"([^\"]+)\".*", "$1");
        CliRun verify = CliRun.of("verify", "--repo", repo.toString(), "--backup", "latest", "--scratch-url",
                db.server().libpqUrl("postgres"));
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }

    /** The families as the Prometheus client's parser reads them. */
    private static JsonNode parse(String text) throws Exception {
        assertThat(new File(PYTHON)).as("the test needs " + PYTHON).exists();
        Process python = new ProcessBuilder(PYTHON, "-c", PARSER).start();
        python.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        python.getOutputStream().close();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(err).as("the Prometheus text-format parser (apt-get install python3-prometheus-client)").isEmpty();
        assertThat(python.exitValue()).isZero();
        return new ObjectMapper().readTree(out);
    }

    private static double value(JsonNode families, String name) {
        JsonNode family = families.get(name);
        assertThat(family).as(name).isNotNull();
        assertThat(family.get("type").asText()).as(name).isEqualTo("gauge");
        assertThat(family.get("samples")).as(name).hasSize(1);
        return family.get("samples").get(0).get(2).asDouble();
    }

    @Test
    void theRunbooksMetricsAndTheVerificationGaugesParseAsPrometheusText() throws Exception {
        CliRun run = CliRun.of("metrics", "--repo", repo.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode families = parse(run.out());
        Manifest manifest = ManifestCodec.decode(Files.readAllBytes(repo.resolve(key + ".manifest.json")), key);

        assertThat(value(families, "auth_db_last_backup_timestamp"))
                .isCloseTo(manifest.finishedAt().toEpochMilli() / 1000.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(value(families, "auth_db_backup_duration_seconds")).isEqualTo(manifest.durationMillis() / 1000.0);
        assertThat(value(families, "auth_db_backup_size_bytes")).isEqualTo((double) manifest.storedBytes());
        assertThat(value(families, "auth_db_backups")).isEqualTo(1.0);
        assertThat(value(families, "auth_db_backup_incomplete")).isZero();
        assertThat(value(families, "auth_db_last_verification_success")).isEqualTo(1.0);
        assertThat(value(families, "auth_db_last_successful_verification_timestamp"))
                .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(300.0));
        assertThat(families.get("auth_db_backup_size_bytes").get("help").asText()).isNotBlank();
    }

    @Test
    void textfileIsWrittenAtomicallyForNodeExporter() throws Exception {
        CliRun run = CliRun.of("metrics", "--repo", repo.toString(), "--textfile", textfiles.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().strip()).isEqualTo("wrote " + textfiles.resolve("pgvault_auth_db.prom"));
        try (var listing = Files.list(textfiles)) {
            assertThat(listing.map(p -> p.getFileName().toString()).toList()).containsExactly("pgvault_auth_db.prom");
        }
        JsonNode families = parse(Files.readString(textfiles.resolve("pgvault_auth_db.prom")));
        assertThat(value(families, "auth_db_backups")).isEqualTo(1.0);
    }

    @Test
    void pushgatewayGetsThePushGroupedByBackupName() throws Exception {
        WireMockServer gateway = new WireMockServer(wireMockConfig().dynamicPort());
        gateway.start();
        try {
            gateway.stubFor(put("/metrics/job/pgvault/backup_name/auth-db").willReturn(aResponse().withStatus(200)));
            CliRun run = CliRun.of("metrics", "--repo", repo.toString(), "--pushgateway", gateway.baseUrl());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            var pushed = gateway.findAll(putRequestedFor(urlEqualTo("/metrics/job/pgvault/backup_name/auth-db")));
            assertThat(pushed).hasSize(1);
            assertThat(pushed.get(0).getHeader("Content-Type")).startsWith("text/plain");
            assertThat(value(parse(pushed.get(0).getBodyAsString()), "auth_db_backup_size_bytes")).isPositive();

            gateway.stubFor(put("/metrics/job/pgvault/backup_name/auth-db").willReturn(aResponse().withStatus(500)));
            CliRun refused = CliRun.of("metrics", "--repo", repo.toString(), "--pushgateway", gateway.baseUrl());
            assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
            assertThat(refused.err()).contains("HTTP 500");
        } finally {
            gateway.stop();
        }
    }
}
