package dev.pgvault.verify;

import dev.pgvault.archive.ContentHash;
import dev.pgvault.archive.Manifest;
import dev.pgvault.dump.LargeObjectContent;
import dev.pgvault.dump.SessionSettings;
import dev.pgvault.dump.TableCopier;
import dev.pgvault.erasure.LedgerApplier;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a database's tables with a manifest: same row counts and the same
 * order-independent content hashes, computed the way the dump computed them. Compares with
 * what the backup recorded, not with today's production.
 */
public final class ContentCheck {
    private ContentCheck() {}

    /** The differences, one line each; empty when the database holds exactly what the manifest says. */
    public static List<String> differences(Connection connection, Manifest manifest) throws SQLException, IOException {
        return differences(connection, manifest, LedgerApplier.Applied.NOTHING);
    }

    /**
     * The differences after the erasure ledger was applied: a table the ledger changed must hold the
     * manifest's rows less those it deleted (its content cannot hash as the backup's: the erased
     * values are gone); every other table and the large objects exactly what the manifest says.
     */
    public static List<String> differences(Connection connection, Manifest manifest, LedgerApplier.Applied erased)
            throws SQLException, IOException {
        SessionSettings.apply(connection);
        List<String> differences = new ArrayList<>();
        for (Manifest.Table table : manifest.tables()) {
            String difference = tableDifference(connection, table, erased);
            if (difference != null) {
                differences.add(difference);
            }
        }
        differences.addAll(largeObjectDifferences(connection, manifest));
        return differences;
    }

    /**
     * How one table differs from the manifest, or null if it does not; on a connection with the
     * dump's session settings ({@link SessionSettings#apply}), so values print as they did.
     */
    public static String tableDifference(Connection connection, Manifest.Table table, LedgerApplier.Applied erased)
            throws SQLException, IOException {
        String[] copy = copySql(connection, table);
        if (copy == null) {
            return "table " + table.qualifiedName() + " is missing";
        }
        ContentHash hash = TableCopier.copy(connection, copy[1], null, TableCopier.RowListener.NONE);
        String quoted = copy[0];
        if (erased.deletedByTable().containsKey(quoted) || erased.updatedByTable().containsKey(quoted)) {
            long expected = table.rows() - erased.deletedByTable().getOrDefault(quoted, 0L);
            if (hash.rows() != expected) {
                return "table " + table.qualifiedName() + " has " + hash.rows() + " rows, the backup "
                        + table.rows() + " less the " + (table.rows() - expected) + " the erasure ledger deleted";
            }
            return null;
        }
        if (hash.rows() != table.rows()) {
            return "table " + table.qualifiedName() + " has " + hash.rows() + " rows, the backup " + table.rows();
        }
        if (!hash.hex().equals(table.contentHash())) {
            return "table " + table.qualifiedName() + " has " + table.rows() + " rows as expected but different content";
        }
        return null;
    }

    /** How the large objects differ from the manifest's: nothing, or one line. */
    public static List<String> largeObjectDifferences(Connection connection, Manifest manifest)
            throws SQLException, IOException {
        List<String> differences = new ArrayList<>();
        if (manifest.largeObjects() != null) {
            ContentHash largeObjects = LargeObjectContent.of(connection);
            if (largeObjects.rows() != manifest.largeObjects().count()) {
                differences.add(largeObjects.rows() + " large objects, the backup " + manifest.largeObjects().count());
            } else if (!largeObjects.hex().equals(manifest.largeObjects().contentHash())) {
                differences.add("large objects differ in content");
            }
        }
        return differences;
    }

    /**
     * The table's quoted name and a COPY of its stored columns in column order, as the dump read
     * them; null if absent.
     */
    private static String[] copySql(Connection connection, Manifest.Table table) throws SQLException {
        String sql = "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname),"
                + " (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a"
                + "   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '')"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p', 'm')";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setString(1, table.schema());
            st.setString(2, table.name());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String columns = rs.getString(2);
                return new String[] {rs.getString(1),
                        "COPY " + rs.getString(1) + (columns == null ? "" : " (" + columns + ")") + " TO STDOUT"};
            }
        }
    }
}
