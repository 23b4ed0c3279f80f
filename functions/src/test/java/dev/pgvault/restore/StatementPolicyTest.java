package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ForbiddenStatementException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a script may hold, statement by statement, before anything reaches a database. */
class StatementPolicyTest {

    private static StatementPolicy script(String producer) {
        StatementPolicy policy = new StatementPolicy(false);
        policy.start(producer, 1);
        return policy;
    }

    private static StatementPolicy pgvaultBackup() {
        StatementPolicy policy = new StatementPolicy(true);
        policy.start("pgvault", 1);
        return policy;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "BEGIN;", "begin", "BEGIN WORK;", "BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE;",
        "START TRANSACTION;", "start   transaction read only;",
        "COMMIT;", "commit work;", "COMMIT TRANSACTION;", "COMMIT AND CHAIN;", "commit and no chain;",
        "COMMIT /* a comment */ AND -- another\n CHAIN;", "END;", "END AND CHAIN;", "end transaction and no chain",
        "ROLLBACK;", "ROLLBACK AND CHAIN;", "ABORT;", "abort and chain;", "ABORT WORK AND NO CHAIN;",
        "SAVEPOINT x;", "RELEASE x;", "RELEASE SAVEPOINT x;", "ROLLBACK TO x;", "ROLLBACK TO SAVEPOINT x;",
        "rollback work to savepoint x;", "PREPARE TRANSACTION 'x';", "prepare\ttransaction 'x'",
        "COMMIT PREPARED 'x';", "ROLLBACK PREPARED 'x';", "/* leading */ -- comment\nCOMMIT;",
        "\tCoMmIt\n;"
    })
    void transactionControlIsRefusedInEveryScript(String statement) {
        for (StatementPolicy policy : List.of(script("unknown"), script("pg_dump"), script("pgvault"), pgvaultBackup())) {
            if (statement.equalsIgnoreCase("begin") || statement.equalsIgnoreCase("BEGIN;")) {
                policy = script("unknown"); // pg_dump's bare BEGIN opens its large-object bracket, tested below
            }
            StatementPolicy chosen = policy;
            assertThatThrownBy(() -> chosen.check(statement, 7, true))
                    .isInstanceOf(ForbiddenStatementException.class)
                    .hasMessageStartingWith("line 7: ")
                    .hasMessageContaining("transaction control")
                    .hasMessageContaining("nothing was restored")
                    .satisfies(e -> assertThat(((ForbiddenStatementException) e).line()).isEqualTo(7));
        }
    }

    @Test
    void theRefusalNamesTheStatementKind() {
        assertThatThrownBy(() -> script("unknown").check("COMMIT /* x */ AND\n  CHAIN;", 3, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind()).isEqualTo("COMMIT AND CHAIN"))
                .hasMessageStartingWith("line 3: COMMIT AND CHAIN is refused");
        assertThatThrownBy(() -> script("unknown").check("prepare transaction 'evil';", 4, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind()).isEqualTo("PREPARE TRANSACTION"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 'COMMIT; BEGIN';",
        "COMMENT ON TABLE t IS 'END AND CHAIN';",
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$BEGIN PERFORM 1; COMMIT; END$$;",
        "CREATE PROCEDURE p() LANGUAGE plpgsql AS $body$ BEGIN COMMIT; ROLLBACK; END $body$;",
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;",
        "DO $$BEGIN RAISE NOTICE 'commit'; END$$;",
        "PREPARE commit_plan AS SELECT 1;",
        "SELECT \"commit\" FROM t;",
        "CREATE TABLE \"BEGIN\" (\"end\" int);"
    })
    void wordsInsideBodiesStringsAndNamesAreNotTransactionControl(String statement) {
        assertThat(script("unknown").check(statement, 1, true)).isEqualTo(StatementPolicy.Verdict.EXECUTE);
        assertThat(script("pg_dump").check(statement, 1, true)).isEqualTo(StatementPolicy.Verdict.EXECUTE);
    }

    @Test
    void pgDumpsLargeObjectBracketIsAcceptedWithItsDataOnly() {
        StatementPolicy policy = script("pg_dump");
        assertThat(policy.check("BEGIN;", 10, true)).isEqualTo(StatementPolicy.Verdict.SKIP);
        assertThat(policy.check("SELECT pg_catalog.lo_open('16392', 131072);", 11, true))
                .isEqualTo(StatementPolicy.Verdict.EXECUTE);
        assertThat(policy.check("SELECT pg_catalog.lowrite(0, '\\x0102');", 12, true))
                .isEqualTo(StatementPolicy.Verdict.EXECUTE);
        assertThat(policy.check("SELECT pg_catalog.lo_close(0);", 13, true)).isEqualTo(StatementPolicy.Verdict.EXECUTE);
        assertThat(policy.check("COMMIT;", 14, true)).isEqualTo(StatementPolicy.Verdict.SKIP);
        policy.finish(20);
    }

    @Test
    void anythingElseInsideTheBracketOrAnOpenBracketIsRefused() {
        StatementPolicy inside = script("pg_dump");
        inside.check("BEGIN;", 10, true);
        assertThatThrownBy(() -> inside.check("CREATE ROLE evil;", 11, true))
                .isInstanceOf(ForbiddenStatementException.class)
                .hasMessageStartingWith("line 10: BEGIN opens a transaction around CREATE ROLE evil (line 11)");

        StatementPolicy chained = script("pg_dump");
        chained.check("BEGIN;", 10, true);
        assertThatThrownBy(() -> chained.check("COMMIT AND CHAIN;", 11, true))
                .hasMessageStartingWith("line 11: COMMIT AND CHAIN is refused");

        StatementPolicy open = script("pg_dump");
        open.check("BEGIN;", 10, true);
        assertThatThrownBy(() -> open.finish(30)).hasMessageContaining("never followed by its COMMIT");

        // Only pg_dump writes the bracket; anyone else's BEGIN is refused outright.
        assertThatThrownBy(() -> script("unknown").check("BEGIN;", 1, true)).hasMessageContaining("BEGIN is refused");
        assertThatThrownBy(() -> script("pgvault").check("BEGIN;", 1, true)).hasMessageContaining("BEGIN is refused");
        assertThatThrownBy(() -> script("pg_dump").check("BEGIN ISOLATION LEVEL SERIALIZABLE;", 1, true))
                .hasMessageContaining("refused");
    }

    /** Every statement kind and shape pgvault's dump engine writes (see dev.pgvault.dump). */
    @ParameterizedTest
    @ValueSource(strings = {
        "SET statement_timeout = 0;", "SET lock_timeout = 0;", "SET idle_in_transaction_session_timeout = 0;",
        "SET client_encoding = 'UTF8';", "SET standard_conforming_strings = on;",
        "SELECT pg_catalog.set_config('search_path', '', false);", "SET check_function_bodies = false;",
        "SET xmloption = content;", "SET client_min_messages = warning;", "SET row_security = off;",
        "SET default_tablespace = '';", "SET default_table_access_method = heap;",
        "SET default_tablespace = fast_disk;", "DROP TABLE \"app\".\"pgvault_inherit_34338\";", "SELECT pg_catalog.lo_put('16400', 0, '\\x0001');",
        "CREATE TABLE app.typed OF app.address;", "CREATE FOREIGN TABLE app.ft (id integer) SERVER s;",
        "CREATE OPERATOR app.=== (FUNCTION = app.same, LEFTARG = integer, RIGHTARG = integer);",
        "CREATE TEXT SEARCH CONFIGURATION app.search (PARSER = pg_catalog.\"default\");",
        "CREATE SERVER s FOREIGN DATA WRAPPER w;", "CREATE USER MAPPING FOR PUBLIC SERVER s;",
        "CREATE PUBLICATION p FOR ALL TABLES;", "SECURITY LABEL FOR dummy ON TABLE app.t IS 'x';",
        "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p WITH (connect = false, slot_name = NONE);",
        "CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION app.f();", "CREATE LANGUAGE plperlu;",
        "CREATE SCHEMA app;", "CREATE SCHEMA \"Sales & Marketing\";",
        "CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public VERSION '1.8';",
        "CREATE COLLATION app.c (provider = icu, locale = 'de');", "CREATE TYPE app.mood AS ENUM ('a');",
        "CREATE DOMAIN app.d AS integer CHECK (VALUE > 0);",
        "CREATE OR REPLACE FUNCTION app.f(a integer)\n RETURNS integer\n LANGUAGE plpgsql\nAS $function$BEGIN RETURN a; END$function$;",
        "CREATE OR REPLACE PROCEDURE app.p()\n LANGUAGE sql\nBEGIN ATOMIC\n SELECT 1;\nEND;",
        "CREATE AGGREGATE app.agg(integer) (\n    SFUNC = int4pl,\n    STYPE = integer\n);",
        "CREATE SEQUENCE app.s\n    AS integer\n    START WITH 1;", "CREATE UNLOGGED SEQUENCE app.u START WITH 1;",
        "CREATE TABLE app.t (\n    id integer NOT NULL\n);", "CREATE UNLOGGED TABLE app.cache ();",
        "CREATE TABLE \"Audit Log\".\"Event\" (id integer);",
        "CREATE VIEW app.v AS\n SELECT 1;", "CREATE MATERIALIZED VIEW app.m AS\n SELECT 1\n  WITH NO DATA;",
        "CREATE INDEX i ON app.t USING btree (id);", "CREATE UNIQUE INDEX u ON ONLY app.t USING btree (id);",
        "CREATE STATISTICS app.st ON a, b FROM app.t;", "CREATE RULE r AS ON INSERT TO app.t DO INSTEAD NOTHING;",
        "CREATE TRIGGER tr BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.f();",
        "CREATE CONSTRAINT TRIGGER ct AFTER INSERT ON app.t DEFERRABLE FOR EACH ROW EXECUTE FUNCTION app.f();",
        "CREATE POLICY p ON app.t AS RESTRICTIVE FOR SELECT TO pgv_reader USING ((id > 0));",
        "ALTER TABLE ONLY app.t ALTER COLUMN id SET DEFAULT nextval('app.s'::regclass);",
        "ALTER TABLE ONLY app.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id);", "ALTER INDEX app.i ATTACH PARTITION app.j;",
        "ALTER SEQUENCE app.s OWNED BY app.t.id;", "ALTER VIEW app.v ALTER COLUMN c SET DEFAULT 1;",
        "ALTER MATERIALIZED VIEW app.m OWNER TO pgv_owner;", "ALTER DOMAIN app.d ADD CONSTRAINT c CHECK (VALUE > 1) NOT VALID;",
        "ALTER STATISTICS app.st SET STATISTICS 50;", "ALTER LARGE OBJECT 424243 OWNER TO pgv_owner;",
        "ALTER DEFAULT PRIVILEGES FOR ROLE pgv_owner IN SCHEMA app GRANT SELECT ON TABLES TO pgv_reader;",
        "ALTER SCHEMA app OWNER TO pgv_owner;", "ALTER FUNCTION app.f(integer) OWNER TO pgv_owner;",
        "ALTER PROCEDURE app.p() OWNER TO pgv_owner;", "ALTER AGGREGATE app.agg(integer) OWNER TO pgv_owner;",
        "ALTER TYPE app.mood OWNER TO pgv_owner;", "ALTER COLLATION app.c OWNER TO pgv_owner;",
        "COMMENT ON TABLE app.t IS 'DROP ROLE; COMMIT';", "COMMENT ON SCHEMA public IS NULL;",
        "REFRESH MATERIALIZED VIEW app.m;",
        "COPY app.t (id, \"Name\") FROM stdin;", "COPY \"Audit Log\".\"Event\" FROM stdin;",
        "REVOKE ALL ON TABLE app.t FROM PUBLIC;", "GRANT SELECT (id, total),UPDATE (note) ON TABLE app.orders TO pgv_reader;",
        "GRANT ALL ON LARGE OBJECT 424243 TO pgv_reader WITH GRANT OPTION;",
        "SELECT pg_catalog.setval('app.s', 42, true);", "SELECT pg_catalog.setval('app.s', -5, false);",
        "SELECT pg_catalog.lo_create('424243');", "SELECT pg_catalog.lo_open('424243', 131072);",
        "SELECT pg_catalog.lowrite(0, '\\x00ff');", "SELECT pg_catalog.lo_close(0);"
    })
    void whatPgvaultWritesIsAccepted(String statement) {
        assertThat(pgvaultBackup().check(statement, 1, true)).isEqualTo(StatementPolicy.Verdict.EXECUTE);
    }

    @Test
    void aSessionAuthorizationIsAcceptedOnlyAroundOneGrant() {
        StatementPolicy policy = pgvaultBackup();
        policy.check("SET SESSION AUTHORIZATION pgv_reader;", 1, true);
        policy.check("GRANT SELECT ON TABLE app.customers TO \"pgv \"\"odd\"\" role\";", 2, true);
        policy.check("RESET SESSION AUTHORIZATION;", 3, true);
        policy.finish(4);

        StatementPolicy other = pgvaultBackup();
        other.check("SET SESSION AUTHORIZATION pgv_reader;", 1, true);
        assertThatThrownBy(() -> other.check("CREATE TABLE app.x (id integer);", 2, true))
                .isInstanceOf(ForbiddenStatementException.class)
                .hasMessageContaining("under SET SESSION AUTHORIZATION");

        StatementPolicy twice = pgvaultBackup();
        twice.check("SET SESSION AUTHORIZATION pgv_reader;", 1, true);
        twice.check("GRANT SELECT ON TABLE app.customers TO x;", 2, true);
        assertThatThrownBy(() -> twice.check("GRANT SELECT ON TABLE app.orders TO x;", 3, true))
                .isInstanceOf(ForbiddenStatementException.class);

        StatementPolicy unclosed = pgvaultBackup();
        unclosed.check("SET SESSION AUTHORIZATION pgv_reader;", 1, true);
        assertThatThrownBy(() -> unclosed.finish(2)).isInstanceOf(ForbiddenStatementException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE ROLE evil SUPERUSER LOGIN;", "CREATE USER evil;", "CREATE GROUP evil;", "ALTER ROLE postgres PASSWORD 'x';",
        "ALTER USER app SUPERUSER;", "ALTER GROUP g ADD USER u;", "DROP ROLE app;", "DROP USER app;",
        "GRANT pg_read_server_files TO app;", "GRANT postgres TO app WITH ADMIN OPTION;", "REVOKE app FROM other;",
        "ALTER SYSTEM SET archive_command = 'curl evil';", "ALTER SYSTEM RESET ALL;",
        "COPY app.t FROM PROGRAM 'id';", "COPY app.t TO PROGRAM 'sh';", "COPY app.t FROM '/etc/passwd';",
        "COPY app.t TO '/tmp/stolen';", "COPY (SELECT 1) TO STDOUT;", "COPY app.t FROM stdin WITH (FORMAT binary);",
        "COPY app.t FROM PROGRAM 'id' -- FROM stdin", "COPY app.t FROM stdin WHERE app.evil();",
        "SELECT lo_import('/etc/passwd');", "SELECT pg_catalog.lo_import('/etc/passwd', 424243);",
        "SELECT pg_catalog.lo_export(424243, '/tmp/x');", "SELECT pg_catalog.lo_open('1', 262144);",
        "SELECT pg_catalog.lowrite(1, '\\x00');", "SELECT pg_catalog.lo_create('1'), app.evil();",
        "SELECT pg_catalog.set_config('search_path', 'evil', false);", "SELECT app.evil();",
        "SELECT pg_catalog.setval('app.s', app.evil(), true);", "SELECT pg_read_file('/etc/passwd');",
        "CREATE DATABASE evil;", "ALTER DATABASE app SET search_path = evil;", "DROP DATABASE app;",
        "CREATE TABLESPACE t LOCATION '/tmp';", "ALTER TABLESPACE t OWNER TO evil;", "DROP TABLESPACE t;",
        "CREATE SUBSCRIPTION s CONNECTION 'host=evil' PUBLICATION p;",
        "SET ROLE postgres;", "SET SESSION AUTHORIZATION DEFAULT;", "SET search_path = evil;",
        "SET check_function_bodies = true;", "SET client_encoding = 'LATIN1';", "SET standard_conforming_strings = off;",
        "SET session_preload_libraries = 'evil';", "SET LOCAL row_security = off;", "RESET ALL;",
        "RESET SESSION AUTHORIZATION;", "LOAD 'evil';", "DO $$BEGIN NULL; END$$;", "CHECKPOINT;", "VACUUM app.t;",
        "ANALYZE;", "DROP TABLE app.t;", "TRUNCATE app.t;", "INSERT INTO app.t VALUES (1);", "UPDATE app.t SET id = 2;",
        "DELETE FROM app.t;", "CALL app.p();", "CREATE TABLE app.t2 AS SELECT app.evil();",
        "CREATE TABLE app.p1 PARTITION OF app.p FOR VALUES IN (1);", "CREATE SCHEMA s CREATE TABLE t (id int);",
        "CREATE SCHEMA s AUTHORIZATION evil;",
        "ALTER EXTENSION hstore UPDATE;", "REASSIGN OWNED BY app TO evil;", "DROP OWNED BY app;",
        "LISTEN x;", "NOTIFY x;", "LOCK TABLE app.t;",
        "PREPARE p AS SELECT 1;", "EXECUTE p;", "WITH x AS (SELECT app.evil()) SELECT 1;", "VALUES (app.evil());",
        "TABLE app.t;", "EXPLAIN ANALYZE SELECT app.evil();", "CLUSTER app.t;", "REINDEX DATABASE app;",
        "IMPORT FOREIGN SCHEMA s FROM SERVER x INTO app;", "(SELECT app.evil());"
    })
    void whatPgvaultNeverWritesIsRefusedInAPgvaultScript(String statement) {
        for (StatementPolicy policy : List.of(pgvaultBackup(), script("pgvault"))) {
            assertThatThrownBy(() -> policy.check(statement, 12, true))
                    .isInstanceOf(ForbiddenStatementException.class)
                    .hasMessageStartingWith("line 12: ")
                    .hasMessageContaining("is refused")
                    .hasMessageContaining("nothing was restored");
        }
        // In a script of pg_dump's or anyone's, only transaction control is refused.
        assertThat(script("pg_dump").check(statement, 12, true)).isEqualTo(StatementPolicy.Verdict.EXECUTE);
        assertThat(script("unknown").check(statement, 12, true)).isEqualTo(StatementPolicy.Verdict.EXECUTE);
    }

    @Test
    void refusalsNameTheKindAndNeverAValue() {
        assertThatThrownBy(() -> pgvaultBackup().check("CREATE ROLE evil PASSWORD 'hunter2';", 5, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind()).isEqualTo("CREATE ROLE evil"))
                .hasMessageStartingWith("line 5: CREATE ROLE evil is refused: this is a pgvault backup (its manifest says so)")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> pgvaultBackup().check("ALTER SYSTEM SET archive_command = 'curl x';", 6, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind()).isEqualTo("ALTER SYSTEM SET"));
        assertThatThrownBy(() -> pgvaultBackup().check("COPY app.t FROM PROGRAM 'id';", 7, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind()).isEqualTo("COPY ... FROM PROGRAM"));
        assertThatThrownBy(() -> pgvaultBackup().check("COPY app.t FROM '/etc/passwd';", 8, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind())
                        .isEqualTo("COPY ... FROM a server file"))
                .hasMessageNotContaining("passwd");
        assertThatThrownBy(() -> pgvaultBackup().check("SELECT pg_catalog.lo_import('/etc/passwd');", 9, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind())
                        .isEqualTo("SELECT pg_catalog.lo_import(...)"))
                .hasMessageNotContaining("passwd");
        assertThatThrownBy(() -> pgvaultBackup().check("GRANT pg_execute_server_program TO app;", 10, true))
                .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind())
                        .isEqualTo("GRANT of a role (membership)"));
        assertThatThrownBy(() -> script("pgvault").check("DO $$BEGIN NULL; END$$;", 11, true))
                .hasMessageStartingWith("line 11: DO is refused: the script says pgvault wrote it (its header)");
    }

    @Test
    void aBackupWhoseManifestSaysPgvaultMustCarryPgvaultsHeader() {
        for (String producer : List.of("pg_dump", "unknown")) {
            assertThatThrownBy(() -> new StatementPolicy(true).start(producer, 3))
                    .isInstanceOf(ForbiddenStatementException.class)
                    .hasMessageContaining("manifest says pgvault wrote it")
                    .hasMessageContaining("nothing was restored");
        }
        assertThatThrownBy(() -> new StatementPolicy(true).finish(1)).isInstanceOf(ForbiddenStatementException.class);
    }
}
