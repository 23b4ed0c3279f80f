package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Row values are personal data: PostgreSQL puts them in an error's DETAIL and CONTEXT (and a data
 * error's message). A failed restore names the statement's line, the data line, the table,
 * column and constraint, the SQLSTATE, and no value, unless asked (showRowData, the CLI's --debug).
 */
class RestoreErrorPrivacyTest {
    private static final String HEADER = "--\n-- PostgreSQL database dump\n--\n\n";
    private static final String END = "\n--\n-- PostgreSQL database dump complete\n--\n";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private Throwable failure(String script, boolean showRowData) throws Exception {
        String target = db.newDatabase();
        try (Connection c = db.server().connect(target)) {
            Throwable thrown = catchThrowable(() -> new RestoreService(null, Clock.systemUTC()).restoreScript(
                    new ByteArrayInputStream((HEADER + script + END).getBytes(StandardCharsets.UTF_8)), "dump.sql", c,
                    target, RestoreOptions.defaults().withShowRowData(showRowData), ScriptApplier.Progress.NONE));
            assertThat(thrown).isInstanceOf(RestoreFailedException.class);
            assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
                    .isZero();
            return thrown;
        }
    }

    /** Every message in the exception, its causes and suppressed exceptions, and their string forms. */
    private static List<String> allText(Throwable failure) {
        List<String> texts = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>(List.of(failure));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(todo.size() - 1);
            if (t == null || !seen.add(t)) {
                continue;
            }
            texts.add(String.valueOf(t.getMessage()));
            texts.add(t.toString());
            texts.add(String.valueOf(t.getLocalizedMessage()));
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return texts;
    }

    private static void assertNoValue(Throwable failure, String... values) {
        for (String text : allText(failure)) {
            for (String value : values) {
                assertThat(text).as("a message in the exception chain").doesNotContain(value);
            }
        }
    }

    @Test
    void aBadValueInCopyDataIsPlacedButNotShown() throws Exception {
        String script = "CREATE TABLE public.users (id integer, email text);\n"
                + "COPY public.users (id, email) FROM stdin;\n"
                + "1\tok@example.com\n"
                + "alice@example.com\t2\n"
                + "\\.\n";
        Throwable hidden = failure(script, false);
        assertThat(hidden.getMessage())
                .startsWith("at line 6 (COPY public.users(...)): data line 2 of the COPY (script line 8), column id:"
                        + " invalid input syntax for type integer: \"…\" [SQLSTATE 22P02]")
                .contains("row values are not shown (--debug shows them)")
                .endsWith("the restore was rolled back");
        assertNoValue(hidden, "alice@example.com", "ok@example.com");

        Throwable shown = failure(script, true);
        assertThat(shown.getMessage()).contains("alice@example.com").contains("COPY users, line 2");
    }

    @Test
    void aRowWithTooManyColumnsIsNotEchoed() throws Exception {
        Throwable hidden = failure("CREATE TABLE public.users (id integer, email text);\n"
                + "COPY public.users (id, email) FROM stdin;\n"
                + "1\tbob@example.com\tsecret-token\n"
                + "\\.\n", false);
        assertThat(hidden.getMessage()).contains("data line 1 of the COPY (script line 7)")
                .contains("extra data after last expected column [SQLSTATE 22P04]");
        assertNoValue(hidden, "bob@example.com", "secret-token");
    }

    @Test
    void aDuplicateKeyIsNamedByItsConstraintNotItsValue() throws Exception {
        Throwable inCopy = failure("CREATE TABLE public.users (email text UNIQUE);\n"
                + "COPY public.users (email) FROM stdin;\n"
                + "carol@example.com\n"
                + "carol@example.com\n"
                + "\\.\n", false);
        assertThat(inCopy.getMessage()).contains("data line 2 of the COPY (script line 8)")
                .contains("duplicate key value violates unique constraint \"users_email_key\" [SQLSTATE 23505]")
                .contains("constraint users_email_key");
        assertNoValue(inCopy, "carol@example.com");

        // As dumps are written: the rows first, the constraint after, whose index build finds the duplicate.
        Throwable afterData = failure("CREATE TABLE public.users (email text);\n"
                + "COPY public.users (email) FROM stdin;\n"
                + "dave@example.com\n"
                + "dave@example.com\n"
                + "\\.\n"
                + "ALTER TABLE ONLY public.users\n    ADD CONSTRAINT users_email_key UNIQUE (email);\n", false);
        assertThat(afterData.getMessage()).startsWith("at line 10 (ALTER TABLE ONLY public.users): could not create unique index")
                .contains("[SQLSTATE 23505]");
        assertNoValue(afterData, "dave@example.com");
    }

    @Test
    void anInsertStatementsValuesAreNotQuoted() throws Exception {
        // pg_dump --inserts: the failing statement itself holds the row.
        Throwable hidden = failure("CREATE TABLE public.users (email text, id integer);\n"
                + "INSERT INTO public.users VALUES ('erin@example.com', 1);\n"
                + "INSERT INTO public.users VALUES ('frank@example.com', 'x2');\n", false);
        assertThat(hidden.getMessage()).startsWith("at line 7 (INSERT INTO public.users): invalid input syntax for"
                + " type integer: \"…\" [SQLSTATE 22P02]");
        assertNoValue(hidden, "erin@example.com", "frank@example.com", "x2");

        assertThat(failure("CREATE TABLE public.users (email text, id integer);\n"
                + "INSERT INTO public.users VALUES ('frank@example.com', 'x2');\n", true).getMessage())
                .contains("frank@example.com");
    }

    @Test
    void aDeferredConstraintFailingAtCommitIsNotEchoedEither() throws Exception {
        Throwable hidden = failure("CREATE TABLE public.accounts (email text PRIMARY KEY);\n"
                + "CREATE TABLE public.sessions (email text REFERENCES public.accounts DEFERRABLE INITIALLY DEFERRED);\n"
                + "COPY public.sessions (email) FROM stdin;\n"
                + "gina@example.com\n"
                + "\\.\n", false);
        assertThat(hidden.getMessage()).contains("failed: insert or update on table \"sessions\" violates foreign key"
                + " constraint \"sessions_email_fkey\" [SQLSTATE 23503]");
        assertNoValue(hidden, "gina@example.com");
    }
}
