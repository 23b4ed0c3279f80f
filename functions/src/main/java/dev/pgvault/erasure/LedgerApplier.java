package dev.pgvault.erasure;

import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.restore.ErasureStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies the erasure ledger to a restored database, inside the caller's transaction and before it
 * commits (or before the application is pointed at the database): every configured statement, once
 * for every entry, the subject bound as a parameter. Deleting or blanking rows that are already gone
 * changes nothing, so applying the whole ledger again is safe and is what every restore does.
 *
 * <p>Any failure (no statements for existing entries, an entry that cannot be opened, a statement
 * the database refuses) throws {@link RestoreFailedException}: the restore stops before it commits.
 * Messages name the statement and the entry's id, never the subject.
 */
public final class LedgerApplier {
    /**
     * What the ledger did: how many entries and statements, and the rows each table lost or had
     * changed (read from {@code pg_stat_xact_user_tables}, so cascades and triggers count too).
     */
    public record Applied(int entries, int statements, Map<String, Long> deletedByTable, Map<String, Long> updatedByTable) {
        public static final Applied NOTHING = new Applied(0, 0, Map.of(), Map.of());

        public long rowsDeleted() {
            return deletedByTable.values().stream().mapToLong(Long::longValue).sum();
        }

        public long rowsUpdated() {
            return updatedByTable.values().stream().mapToLong(Long::longValue).sum();
        }

        /** One line for the operator; tables and counts only. */
        public String describe() {
            if (entries == 0) {
                return "erasure ledger: no entries";
            }
            List<String> tables = new ArrayList<>();
            deletedByTable.forEach((t, n) -> tables.add(t + " " + n + " deleted"));
            updatedByTable.forEach((t, n) -> tables.add(t + " " + n + " updated"));
            return "erasure ledger: " + entries + (entries == 1 ? " entry" : " entries") + " applied by " + statements
                    + (statements == 1 ? " statement" : " statements") + (tables.isEmpty()
                    ? "; no rows held an erased subject" : ": " + String.join(", ", tables));
        }
    }

    private final ErasureLedger ledger;
    private final Decryptor decryptor;

    public LedgerApplier(ErasureLedger ledger, Decryptor decryptor) {
        this.ledger = ledger;
        this.decryptor = decryptor;
    }

    /** Reads the ledger and applies it on {@code connection}, in its open transaction; see the class comment. */
    public Applied apply(Connection connection) {
        List<ErasureEntry> entries;
        Optional<ErasureStatements> statements;
        try {
            entries = ledger.entries(decryptor);
            statements = ledger.statements();
        } catch (RuntimeException e) {
            throw new RestoreFailedException("the erasure ledger in " + ledger.location() + " cannot be read: "
                    + e.getMessage() + "; the restore was stopped before the data could be used", e);
        }
        if (entries.isEmpty()) {
            return Applied.NOTHING;
        }
        if (statements.isEmpty()) {
            throw new RestoreFailedException("the erasure ledger in " + ledger.location() + " holds " + entries.size()
                    + " entries but no erasure statements: configure them (`pgvault erase configure`); the restore was"
                    + " stopped before the data could be used");
        }
        return apply(connection, statements.get(), entries);
    }

    /** Applies {@code entries} with {@code statements} on {@code connection}, in its transaction. */
    public static Applied apply(Connection connection, ErasureStatements statements, List<ErasureEntry> entries) {
        try {
            // The restore's script emptied search_path; the statements are written as the application's
            // queries are, so they run with the database's own (until the transaction ends).
            try (java.sql.Statement st = connection.createStatement()) {
                st.execute("SET LOCAL search_path TO DEFAULT");
            }
            Map<String, long[]> before = tableCounters(connection);
            for (ErasureStatements.Statement statement : statements.statements()) {
                try (PreparedStatement st = connection.prepareStatement(statement.jdbc())) {
                    for (ErasureEntry entry : entries) {
                        for (int p = 1; p <= statement.parameters(); p++) {
                            st.setString(p, entry.subject());
                        }
                        try {
                            st.executeUpdate();
                        } catch (SQLException e) {
                            throw new RestoreFailedException("the erasure ledger's " + statement.label()
                                    + " failed for entry " + entry.id() + ": " + e.getSQLState() + " "
                                    + firstLine(e).replace(entry.subject(), "<subject>") + "; the restore was stopped before the data could be used"
                                    + " (fix the statements with `pgvault erase configure`)");
                        }
                    }
                }
            }
            Map<String, long[]> after = tableCounters(connection);
            Map<String, Long> deleted = new LinkedHashMap<>();
            Map<String, Long> updated = new LinkedHashMap<>();
            after.forEach((table, counts) -> {
                long[] was = before.getOrDefault(table, new long[2]);
                if (counts[0] > was[0]) {
                    deleted.put(table, counts[0] - was[0]);
                }
                if (counts[1] > was[1]) {
                    updated.put(table, counts[1] - was[1]);
                }
            });
            return new Applied(entries.size(), statements.statements().size(), deleted, updated);
        } catch (SQLException e) {
            throw new RestoreFailedException("applying the erasure ledger failed: " + e.getSQLState() + " "
                    + firstLine(e) + "; the restore was stopped before the data could be used");
        }
    }

    /**
     * Rows deleted and updated in each table by this transaction so far. The server's DETAIL (which
     * may hold a subject's row) is never read into a message: only the first line of the error is.
     */
    private static Map<String, long[]> tableCounters(Connection connection) throws SQLException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT quote_ident(schemaname) || '.' ||"
                + " quote_ident(relname), n_tup_del, n_tup_upd FROM pg_catalog.pg_stat_xact_user_tables ORDER BY 1");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return counts;
    }

    /** The server's message without DETAIL or the statement's values (which may hold the subject). */
    private static String firstLine(SQLException e) {
        if (e instanceof org.postgresql.util.PSQLException psql && psql.getServerErrorMessage() != null) {
            return String.valueOf(psql.getServerErrorMessage().getMessage());
        }
        return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }
}
