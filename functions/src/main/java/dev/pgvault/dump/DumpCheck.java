package dev.pgvault.dump;

import dev.pgvault.errors.PgvaultException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a database can be backed up faithfully, without backing it up: what the dump would
 * refuse (the backup would fail naming it) and what it would warn about (it restores, with a
 * condition), in one read-only transaction that writes nothing and takes no lock beyond what
 * reading the catalogs takes. For {@code pgvault check}, so that an application's migration CI
 * fails on a migration the night's backup would fail on.
 *
 * <p>It reads every definition the dump would write (so a dependency loop nothing can break is
 * found too) but no row: it takes about as long as a {@code pg_dump --schema-only}.
 */
public final class DumpCheck {
    /**
     * What {@link #inspect} found.
     *
     * @param refused   objects the dump cannot reproduce: a backup would fail, naming them
     * @param warnings  what a backup holds but a restore needs care for (a superuser, re-enabling, ...)
     */
    public record Report(String database, String serverVersion, List<String> refused, List<String> warnings) {
        /** True when a backup would succeed. */
        public boolean canBackUp() {
            return refused.isEmpty();
        }

        /** True when there is nothing to say: no refusal, no warning. */
        public boolean clean() {
            return refused.isEmpty() && warnings.isEmpty();
        }
    }

    private DumpCheck() {}

    /** Inspects with the default options (owners and privileges not kept). */
    public static Report inspect(Connection connection) {
        return inspect(connection, DumpOptions.defaults());
    }

    public static Report inspect(Connection connection, DumpOptions options) {
        boolean autoCommit = true;
        try {
            autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            SessionSettings.apply(connection);
            Dumper.setQuoteAll(connection, true);
            Dumper.Snapshot snapshot = Dumper.Snapshot.read(connection);
            List<String> refused = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            if (snapshot.serverVersionNum() < Dumper.MIN_SERVER_VERSION) {
                refused.add("PostgreSQL " + snapshot.serverVersion() + " (pgvault backs up PostgreSQL 13 and newer)");
                return new Report(snapshot.database(), snapshot.serverVersion(), refused, warnings);
            }
            refused.addAll(UnsupportedObjects.find(connection, snapshot.serverVersionNum()));
            if (refused.isEmpty()) {
                CatalogReader catalog = new CatalogReader(connection, snapshot.serverVersionNum(), options);
                catalog.readRelations();
                try {
                    DependencyOrder.sort(catalog.readDefinitions());
                } catch (dev.pgvault.errors.UnsupportedObjectException e) {
                    refused.addAll(e.objects());
                }
            }
            warnings.addAll(Warnings.find(connection, snapshot.serverVersionNum(), options));
            return new Report(snapshot.database(), snapshot.serverVersion(), List.copyOf(refused), List.copyOf(warnings));
        } catch (SQLException e) {
            throw new PgvaultException("could not check the database: " + DatabaseErrors.describe(e), e);
        } finally {
            try {
                connection.rollback();
                Dumper.setQuoteAll(connection, false);
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // the connection is likely gone; nothing was written either way
            }
        }
    }

    /** What a backup holds but restores only with care; each a sentence naming the objects. */
    static final class Warnings {
        private Warnings() {}

        private record Warning(String sql, String text) {}

        private static final int SHOWN = 10;

        private static final List<Warning> WARNINGS = List.of(
                new Warning("SELECT p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p"
                        + " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
                        + " WHERE NOT l.lanpltrusted AND p.prokind <> 'a'"
                        // made along with another object (a range type's constructors)
                        + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass"
                        + "   AND d.objid = p.oid AND d.deptype = 'i') AND " + UnsupportedObjects.userSchema("p.pronamespace")
                        + " AND " + UnsupportedObjects.notInExtension("pg_proc", "p.oid"),
                        "functions in an untrusted language, C or internal (only a superuser can create them"
                                + " where the backup is restored, as with pg_dump)"),
                new Warning("SELECT i.indexrelid::pg_catalog.regclass::text FROM pg_catalog.pg_index i"
                        + " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
                        + " WHERE NOT i.indisvalid AND c.relkind = 'i' AND " + UnsupportedObjects.userSchema("c.relnamespace"),
                        "invalid indexes (a failed CREATE INDEX CONCURRENTLY) are left out of the backup, as pg_dump does"),
                new Warning("SELECT quote_ident(subname) FROM pg_catalog.pg_subscription"
                        + " WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())",
                        "subscriptions are restored without connecting and disabled (as pg_dump writes them):"
                                + " enable and refresh them after the restore"),
                new Warning("SELECT quote_ident(evtname) FROM pg_catalog.pg_event_trigger"
                        + " WHERE " + UnsupportedObjects.notInExtension("pg_event_trigger", "oid"),
                        "event triggers need a superuser to restore"),
                new Warning("SELECT quote_ident(fdwname) FROM pg_catalog.pg_foreign_data_wrapper"
                        + " WHERE " + UnsupportedObjects.notInExtension("pg_foreign_data_wrapper", "oid"),
                        "foreign-data wrappers not made by an extension need a superuser to restore"),
                new Warning("SELECT quote_ident(spcname) FROM pg_catalog.pg_tablespace WHERE oid IN ("
                        + " SELECT c.reltablespace FROM pg_catalog.pg_class c WHERE c.reltablespace <> 0"
                        + " AND " + UnsupportedObjects.userSchema("c.relnamespace") + ")",
                        "tablespaces are used: they must exist where the backup is restored (or leave them out"
                                + " with the no-tablespaces option)"));

        static List<String> find(Connection connection, int version, DumpOptions options) throws SQLException {
            List<String> found = new ArrayList<>();
            try (Statement st = connection.createStatement()) {
                for (Warning warning : WARNINGS) {
                    if (warning.text().startsWith("tablespaces") && !options.tablespaces()) {
                        continue;
                    }
                    List<String> names = new ArrayList<>();
                    try (ResultSet rs = st.executeQuery(warning.sql())) {
                        while (rs.next()) {
                            names.add(rs.getString(1));
                        }
                    }
                    if (!names.isEmpty()) {
                        String shown = String.join(", ", names.subList(0, Math.min(SHOWN, names.size())))
                                + (names.size() > SHOWN ? " and " + (names.size() - SHOWN) + " more" : "");
                        found.add(warning.text() + ": " + shown);
                    }
                }
            }
            return found;
        }
    }
}
