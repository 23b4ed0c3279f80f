package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which post-data statements a parallel restore hands out, and which pieces of work may run together. */
class ParallelStatementTest {
    @Test
    void indexBuildsNameTheirTableAsPostgresResolvesIt() {
        assertThat(ParallelStatement.classify("CREATE INDEX \"a_b\" ON \"public\".\"Users\" USING btree (\"id\")", true))
                .isEqualTo(new ParallelStatement(ParallelStatement.Kind.INDEX, Set.of("\"public\".\"Users\"")));
        assertThat(ParallelStatement.classify("CREATE UNIQUE INDEX IF NOT EXISTS x ON ONLY Public.Users (id)", true))
                .isEqualTo(new ParallelStatement(ParallelStatement.Kind.INDEX, Set.of("\"public\".\"users\"")));
        assertThat(ParallelStatement.classify("CREATE INDEX ON app.t (a)", true).tables())
                .containsExactly("\"app\".\"t\"");
    }

    @Test
    void aForeignKeyLocksBothTables() {
        ParallelStatement fk = ParallelStatement.classify("ALTER TABLE ONLY \"public\".\"sessions\"\n"
                + "    ADD CONSTRAINT \"s_fk\" FOREIGN KEY (\"user_id\") REFERENCES \"public\".\"users\"(\"id\")"
                + " ON DELETE CASCADE;", true);
        assertThat(fk.kind()).isEqualTo(ParallelStatement.Kind.CONSTRAINT);
        assertThat(fk.tables()).containsExactlyInAnyOrder("\"public\".\"sessions\"", "\"public\".\"users\"");
    }

    @Test
    void whatMayDependOnSearchPathOrDoMoreThanOneThingRunsAlone() {
        assertThat(ParallelStatement.classify("CREATE INDEX i ON t (a)", true)).as("unqualified").isNull();
        assertThat(ParallelStatement.classify("CREATE INDEX CONCURRENTLY i ON public.t (a)", true)).isNull();
        assertThat(ParallelStatement.classify("ALTER TABLE public.t ADD CONSTRAINT c CHECK (a > 0),"
                + " ADD CONSTRAINT d CHECK (a < 9)", true)).as("two actions").isNull();
        assertThat(ParallelStatement.classify("ALTER TABLE public.t ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES u (id)",
                true)).as("unqualified reference").isNull();
        assertThat(ParallelStatement.classify("ALTER TABLE ONLY public.t ALTER COLUMN a SET DEFAULT 1", true)).isNull();
        assertThat(ParallelStatement.classify("ALTER INDEX public.p ATTACH PARTITION public.c", true)).isNull();
        assertThat(ParallelStatement.classify("CREATE TRIGGER t AFTER INSERT ON public.t EXECUTE FUNCTION f()", true))
                .isNull();
        assertThat(ParallelStatement.classify("CREATE TABLE public.t (a int)", true)).isNull();
    }

    @Test
    void commaInsideTheConstraintIsNotASecondAction() {
        assertThat(ParallelStatement.classify("ALTER TABLE ONLY public.t ADD CONSTRAINT k PRIMARY KEY (a, b)", true))
                .isNotNull();
    }

    @Test
    void copyNamesItsTableTheSameWay() {
        assertThat(ParallelStatement.copyTarget("COPY \"app\".\"config_settings\" (\"id\", \"name\") FROM stdin;", true))
                .isEqualTo("\"app\".\"config_settings\"");
        assertThat(ParallelStatement.copyTarget("COPY app.Config FROM stdin;", true)).isEqualTo("\"app\".\"config\"");
        assertThat(ParallelStatement.copyTarget("COPY config FROM stdin;", true)).isNull();
    }

    @Test
    void onlyIndexBuildsAndChunksOfOneTableShareIt() {
        ParallelStatement users = ParallelStatement.data("\"public\".\"users\"");
        ParallelStatement moreUsers = ParallelStatement.data("\"public\".\"users\"");
        ParallelStatement index = new ParallelStatement(ParallelStatement.Kind.INDEX, Set.of("\"public\".\"users\""));
        ParallelStatement otherIndex = new ParallelStatement(ParallelStatement.Kind.INDEX, Set.of("\"public\".\"users\""));
        ParallelStatement pk = new ParallelStatement(ParallelStatement.Kind.CONSTRAINT, Set.of("\"public\".\"users\""));
        ParallelStatement fk = new ParallelStatement(ParallelStatement.Kind.CONSTRAINT,
                Set.of("\"public\".\"sessions\"", "\"public\".\"users\""));
        ParallelStatement elsewhere = new ParallelStatement(ParallelStatement.Kind.CONSTRAINT,
                Set.of("\"public\".\"audit\""));

        assertThat(users.conflictsWith(moreUsers)).isFalse();
        assertThat(index.conflictsWith(otherIndex)).isFalse();
        assertThat(index.conflictsWith(users)).as("an index waits for the table's data").isTrue();
        assertThat(pk.conflictsWith(index)).isTrue();
        assertThat(pk.conflictsWith(pk)).isTrue();
        assertThat(fk.conflictsWith(users)).as("a foreign key waits for the referenced table's data").isTrue();
        assertThat(fk.conflictsWith(elsewhere)).isFalse();
    }
}
