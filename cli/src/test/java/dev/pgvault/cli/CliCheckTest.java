package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code pgvault check}: what a migration CI runs. Exit 0 only when there is nothing to report,
 * the refusals and warnings named one per line, and nothing written to the database.
 */
class CliCheckTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @BeforeEach
    void application() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 10);
        }
    }

    private CliRun check(String... more) {
        String[] args = {"check", "--database-url", db.libpqUrl()};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliRun.of(all);
    }

    @Test
    void aDatabaseABackupReproducesIsCleanAndExitsZero() {
        CliRun run = check();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("PostgreSQL").contains("would succeed and restore as it is")
                .doesNotContain("refused").doesNotContain("warnings");
    }

    @Test
    void whatTheDumpRefusesFailsTheCheckByName() {
        CliRun run = CliRun.of("check", "--database-url", db.server().libpqUrl(sqlAscii()), "--allow-warnings");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("refused").contains("SQL_ASCII").contains("would FAIL (1 refusal)");
    }

    @Test
    void warningsFailTheCheckUnlessAllowed() {
        db.execute("CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;"
                + " CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION note_ddl()");
        CliRun strict = check();
        assertThat(strict.exitCode()).as(strict.toString()).isEqualTo(1);
        assertThat(strict.out()).contains("warnings").contains("audit_ddl").contains("would succeed, with 1 warning");

        CliRun allowed = check("--allow-warnings");
        assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
        assertThat(allowed.out()).contains("audit_ddl");
    }

    @Test
    void theReportAsJson() throws Exception {
        String database = sqlAscii();
        CliRun run = CliRun.of("check", "--database-url", db.server().libpqUrl(database), "--json");
        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("canBackUp").asBoolean()).isFalse();
        assertThat(doc.get("passes").asBoolean()).isFalse();
        assertThat(doc.get("database").asText()).isEqualTo(database);
        assertThat(doc.get("refused").get(0).asText()).contains("SQL_ASCII");
    }

    @Test
    void aServerThatDoesNotAnswerIsOneLineAndExitsOne() {
        CliRun run = CliRun.of("check", "--database-url", "postgresql://nobody@127.0.0.1:1/nothing");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errLines()).hasSize(1).first().asString().contains("127.0.0.1:1");
        assertThat(run.out()).isEmpty();
    }

    /** A database whose text has no declared encoding: what the dump refuses outright. */
    private String sqlAscii() {
        String name = db.name() + "_ascii";
        db.execute("postgres", "DROP DATABASE IF EXISTS " + name + "; CREATE DATABASE " + name
                + " ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        return name;
    }

    @AfterEach
    void dropTheOtherDatabase() {
        db.server().dropDatabase(db.name() + "_ascii");
    }
}
