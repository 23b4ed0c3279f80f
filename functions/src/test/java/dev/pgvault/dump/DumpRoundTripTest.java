package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.archive.Manifest;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.Fixtures;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dump with pgvault, restore with the real psql, and compare with oracles that share no
 * code with pgvault: pg_dump --schema-only for the schema, sorted row text for the data.
 */
class DumpRoundTripTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    @Test
    void applicationSchemaRestoresIdenticallyWithPsql() throws Exception {
        db.execute(Fixtures.sql("application-schema.sql"));
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 50);
        }
        assertRoundTrip();
    }

    @Test
    void edgeCaseValuesSurviveExactly() throws Exception {
        db.execute(Fixtures.sql("edge-values.sql"));
        DumpResult result = assertRoundTrip();
        assertThat(result.tables()).extracting(Manifest.Table::rows).containsExactly(7L);
    }

    @Test
    void emptyDatabaseDumpsAndRestores() throws Exception {
        DumpResult result = assertRoundTrip();
        assertThat(result.tables()).isEmpty();
    }

    @Test
    void manifestCountsMatchTheSource() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 120);
        }
        DumpResult result = dump(db.name());
        assertThat(result.tables()).extracting(Manifest.Table::qualifiedName)
                .containsExactly("public.refresh_tokens", "public.users");
        assertThat(result.tables().get(1).rows()).isEqualTo(120);
        assertThat(result.tables().get(0).rows())
                .isEqualTo(db.queryLong(db.name(), "SELECT count(*) FROM refresh_tokens"));
        assertThat(result.serverVersionNum()).isGreaterThanOrEqualTo(130000);
        assertThat(result.database()).isEqualTo(db.name());
    }

    private DumpResult assertRoundTrip() throws Exception {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        DumpResult result;
        try (Connection source = db.connect()) {
            result = new Dumper(DumpOptions.defaults()).dump(source, script, DumpProgress.NONE);
        }
        Path file = dir.resolve("dump.sql");
        Files.write(file, script.toByteArray());
        assertThat(script.toString(java.nio.charset.StandardCharsets.UTF_8)).endsWith(Dumper.COMPLETION_MARKER + "\n");

        PgTools tools = PgTools.forServer(db.server());
        String target = db.newDatabase();
        PgTools.Result restore = tools.psqlFile(target, file);
        assertThat(restore.exitCode()).as("psql stderr: %s", restore.stderr()).isZero();
        assertThat(restore.stderr()).isEmpty();

        assertThat(tools.schema(target)).isEqualTo(tools.schema(db.name()));
        Map<String, String> expected;
        Map<String, String> actual;
        try (Connection source = db.connect(); Connection restored = db.server().connect(target)) {
            expected = DataFingerprint.of(source);
            actual = DataFingerprint.of(restored);
        }
        assertThat(actual).isEqualTo(expected);
        return result;
    }

    private DumpResult dump(String database) throws Exception {
        try (Connection source = db.server().connect(database)) {
            return new Dumper(DumpOptions.defaults()).dump(source, new ByteArrayOutputStream(), DumpProgress.NONE);
        }
    }
}
