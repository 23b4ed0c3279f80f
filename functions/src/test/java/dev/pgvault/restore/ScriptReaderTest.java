package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptReaderTest {

    private static List<String> statements(String script) throws IOException {
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        ScriptReader.Element e;
        while ((e = reader.next()) != null) {
            out.add(e.metaCommand() ? "META " + e.text() : e.text());
        }
        return out;
    }

    @Test
    void semicolonsInsideQuotesCommentsAndDollarQuotesDoNotSplit() throws IOException {
        assertThat(statements("""
                SELECT 'a;b', "x;y" FROM t; -- trailing; comment
                /* block; /* nested; */ still; */ SELECT 1;
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;
                SELECT $$;$$, $1;
                SELECT E'it\\'s; fine', 'it''s; fine';
                SELECT (1; 2);
                """)).containsExactly(
                "SELECT 'a;b', \"x;y\" FROM t;",
                "SELECT 1;",
                "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END $body$;",
                "SELECT $$;$$, $1;",
                "SELECT E'it\\'s; fine', 'it''s; fine';",
                "SELECT (1; 2);");
    }

    @Test
    void sqlStandardRoutineBodiesEndAtTheirEnd() throws IOException {
        assertThat(statements("""
                CREATE FUNCTION public.add(a integer, b integer) RETURNS integer
                    LANGUAGE sql
                    BEGIN ATOMIC
                 SELECT CASE WHEN a > 0 THEN a + b ELSE b END;
                 SELECT 1;
                END;
                SELECT 2;
                """)).hasSize(2).last().isEqualTo("SELECT 2;");
    }

    @Test
    void transactionWordsInsideRoutineBodiesDoNotEndThem() throws IOException {
        assertThat(statements("""
                CREATE OR REPLACE PROCEDURE app.p()
                 LANGUAGE sql
                BEGIN ATOMIC
                 SELECT 'COMMIT; END;';
                 SELECT CASE WHEN true THEN 1 ELSE CASE WHEN false THEN 2 END END;
                 INSERT INTO app.log VALUES ('begin');
                 SELECT 1 AS begin;
                END;
                CREATE FUNCTION app.f() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM 1; COMMIT; ROLLBACK; END;
                $$;
                CREATE PROCEDURE app.q() LANGUAGE plpgsql AS $body$ BEGIN COMMIT; END $body$;
                COMMIT;
                """)).containsExactly(
                """
                CREATE OR REPLACE PROCEDURE app.p()
                 LANGUAGE sql
                BEGIN ATOMIC
                 SELECT 'COMMIT; END;';
                 SELECT CASE WHEN true THEN 1 ELSE CASE WHEN false THEN 2 END END;
                 INSERT INTO app.log VALUES ('begin');
                 SELECT 1 AS begin;
                END;""",
                """
                CREATE FUNCTION app.f() RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM 1; COMMIT; ROLLBACK; END;
                $$;""",
                "CREATE PROCEDURE app.q() LANGUAGE plpgsql AS $body$ BEGIN COMMIT; END $body$;",
                "COMMIT;");
    }

    /** A body opens with BEGIN ATOMIC in a leading CREATE FUNCTION or PROCEDURE, outside parentheses. */
    @Test
    void onlyALeadingCreateFunctionOrProcedureOpensABodyAndOnlyOutsideParentheses() throws IOException {
        assertThat(statements("""
                CREATE FUNCTION app.f(begin integer) RETURNS integer LANGUAGE sql AS 'SELECT 1';
                COMMIT;
                CREATE FUNCTION public.begin() RETURNS integer LANGUAGE sql AS $$SELECT 1$$;
                ABORT;
                CREATE TRIGGER t BEFORE INSERT ON app.x FOR EACH ROW EXECUTE FUNCTION app.g();
                SELECT 'begin';
                CREATE TABLE app.y (begin integer);
                END;
                """)).containsExactly(
                "CREATE FUNCTION app.f(begin integer) RETURNS integer LANGUAGE sql AS 'SELECT 1';",
                "COMMIT;",
                "CREATE FUNCTION public.begin() RETURNS integer LANGUAGE sql AS $$SELECT 1$$;",
                "ABORT;",
                "CREATE TRIGGER t BEFORE INSERT ON app.x FOR EACH ROW EXECUTE FUNCTION app.g();",
                "SELECT 'begin';",
                "CREATE TABLE app.y (begin integer);",
                "END;");
    }

    @Test
    void backslashesAreLiteralUnlessStandardConformingStringsIsOff() throws IOException {
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream("SELECT 'a\\'; SELECT 'b\\';'; SELECT 3;"
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next().text()).isEqualTo("SELECT 'a\\';");
        reader.standardConformingStrings(false);
        assertThat(reader.next().text()).isEqualTo("SELECT 'b\\';';");
    }

    @Test
    void metaCommandsAndCopyDataAreSeparated() throws IOException {
        String script = "\\restrict abc\nCOPY t (a) FROM stdin;\nrow\\.1\n\\\\.\n\\.\nSELECT 1;\n\\unrestrict abc\n";
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next()).isEqualTo(new ScriptReader.Element("\\restrict abc", 1, true));
        assertThat(reader.next().text()).isEqualTo("COPY t (a) FROM stdin;");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        reader.copyData(data);
        assertThat(data.toString(StandardCharsets.UTF_8)).isEqualTo("row\\.1\n\\\\.\n");
        assertThat(reader.next().text()).isEqualTo("SELECT 1;");
        assertThat(reader.next().metaCommand()).isTrue();
        assertThat(reader.next()).isNull();
    }

    @Test
    void copyDataWithoutItsEndMarkerIsTruncation() {
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream("COPY t FROM stdin;\n1\n2\n"
                .getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> {
            reader.next();
            reader.copyData(new ByteArrayOutputStream());
        }).hasMessageContaining("truncated");
    }

    @Test
    void commentsBetweenStatementsAreRememberedForTheCompletionCheck() throws IOException {
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream(
                "--\n-- PostgreSQL database dump\n--\nSELECT 1;\n-- PostgreSQL database dump complete\n"
                        .getBytes(StandardCharsets.UTF_8)));
        while (reader.next() != null) {
            // read all
        }
        assertThat(reader.firstComment()).isEqualTo("-- PostgreSQL database dump");
        assertThat(reader.lastComment()).isEqualTo("-- PostgreSQL database dump complete");
    }
}
