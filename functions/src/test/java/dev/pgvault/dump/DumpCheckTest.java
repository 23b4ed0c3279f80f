package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.FidelityFixture;
import dev.pgvault.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DumpCheck}: what a backup would refuse or warn about, found without writing anything. */
class DumpCheckTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @Test
    void theFidelityFixtureCanBeBackedUpWithWarningsAboutWhatNeedsASuperuser() throws Exception {
        try (Connection c = db.connect()) {
            FidelityFixture.load(c);
        }
        DumpCheck.Report report;
        long started = System.nanoTime();
        try (Connection c = db.connect()) {
            report = DumpCheck.inspect(c);
            assertThat(c.getAutoCommit()).as("the connection is left as it was").isTrue();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW quote_all_identifiers")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("off");
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(report.canBackUp()).as("refused: %s", report.refused()).isTrue();
        assertThat(report.database()).isEqualTo(db.name());
        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("superuser")
                .contains("\"app\".\"edit_distance\"(\"text\",\"text\")"));
        assertThat(millis).as("a check takes about a second").isLessThan(10_000);
    }

    @Test
    void whatABackupWouldRefuseIsNamedAndNothingIsWritten() throws Exception {
        // Two functions whose SQL-standard bodies call each other: no order creates them.
        db.execute("CREATE TABLE t (id integer)");
        db.execute("CREATE FUNCTION ping() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1; END");
        db.execute("CREATE FUNCTION pong() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT ping(); END");
        db.execute("CREATE OR REPLACE FUNCTION ping() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT pong(); END");
        long xact = db.queryLong(db.name(), "SELECT txid_current()");
        DumpCheck.Report report;
        try (Connection c = db.connect()) {
            report = DumpCheck.inspect(c);
        }
        assertThat(report.canBackUp()).isFalse();
        assertThat(report.refused()).anySatisfy(r -> assertThat(r).contains("circular dependency").contains("\"ping\"()"));
        // No transaction id was used in between: the check wrote nothing.
        assertThat(db.queryLong(db.name(), "SELECT txid_current()")).isEqualTo(xact + 1);
    }

    @Test
    void anSqlAsciiDatabaseIsReportedAsRefused() throws Exception {
        String ascii = "check_ascii_" + ProcessHandle.current().pid();
        db.execute("postgres", "DROP DATABASE IF EXISTS " + ascii);
        db.execute("postgres", "CREATE DATABASE " + ascii + " TEMPLATE template0 ENCODING 'SQL_ASCII'"
                + " LC_COLLATE 'C' LC_CTYPE 'C'");
        try (Connection c = db.server().connect(ascii)) {
            DumpCheck.Report report = DumpCheck.inspect(c);
            assertThat(report.refused()).singleElement().asString().contains("SQL_ASCII");
        } finally {
            db.server().dropDatabase(ascii);
        }
    }
}
