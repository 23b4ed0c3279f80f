package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.Fixtures;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The restore side applies what the real pg_dump writes, so users can restore dumps they already have. */
class PgDumpScriptTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private RestoreReport apply(byte[] script, String name, String target) throws Exception {
        try (Connection c = db.server().connect(target)) {
            return new RestoreService(null, Clock.systemUTC()).restoreScript(new ByteArrayInputStream(script), name, c,
                    target, RestoreOptions.defaults(), ScriptApplier.Progress.NONE);
        }
    }

    @Test
    void aPgDumpPlainScriptRestoresIdentically() throws Exception {
        db.execute(Fixtures.sql("application-schema.sql"));
        db.execute(Fixtures.sql("edge-values.sql"));
        PgTools tools = PgTools.forServer(db.server());
        // psql, not JDBC: the driver splits SQL-standard bodies (BEGIN ATOMIC) at their semicolons.
        assertThat(tools.psqlCommand(db.name(), "CREATE FUNCTION public.add(a integer, b integer) RETURNS integer"
                + " LANGUAGE sql BEGIN ATOMIC SELECT a + b; SELECT a - b; END").exitCode()).isZero();
        db.execute("CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.email := lower(NEW.email);"
                + " RETURN NEW; END$$;");
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 40);
        }
        db.execute("CREATE TRIGGER users_touch BEFORE INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch();"
                + " SELECT lo_from_bytea(0, '\\x0102'::bytea);");
        byte[] script = tools.dump(db.name(), "--no-owner", "--no-privileges").getBytes(StandardCharsets.UTF_8);

        String target = db.newDatabase();
        RestoreReport report = apply(script, "pg_dump.sql", target);

        assertThat(report.producer()).isEqualTo("pg_dump");
        assertThat(tools.schema(target)).isEqualTo(tools.schema(db.name()));
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo(1);
    }

    @Test
    void aTruncatedPgDumpScriptIsRefusedAndRolledBack() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 10);
        }
        String full = PgTools.forServer(db.server()).dump(db.name(), "--no-owner");
        // Cut after the first table's data: every statement so far is valid, only the end is missing.
        int cut = full.indexOf("\\.\n") + 3;
        String target = db.newDatabase();
        assertThatThrownBy(() -> apply(full.substring(0, cut).getBytes(StandardCharsets.UTF_8), "cut.sql", target))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("truncated");
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
                .isZero();
    }

    @Test
    void aFailingStatementNamesItsLineAndChangesNothing() throws Exception {
        String target = db.newDatabase();
        byte[] script = "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nSELECT no_such_function();\n"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> apply(script, "bad.sql", target))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("no_such_function")
                .hasMessageContaining("rolled back");
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relname = 'a'")).isZero();
    }
}
