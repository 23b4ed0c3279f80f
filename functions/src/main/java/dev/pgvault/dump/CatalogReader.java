package dev.pgvault.dump;

import dev.pgvault.archive.ContentHash;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Reads the database's definitions from the system catalogs, inside the dump's snapshot,
 * and turns them into dump items with their dependencies: one reader per object kind, all
 * sharing a {@link Catalog}. Definitions are rendered by the server itself
 * ({@code pg_get_viewdef}, {@code pg_get_functiondef}, {@code pg_get_constraintdef},
 * {@code format_type}, {@code pg_get_expr}, ...) with an empty search path, so every name
 * comes out schema-qualified and in the server's own, version-correct syntax.
 */
final class CatalogReader {
    private final Catalog catalog;
    /** Filled while the large objects' data is written; empty (0 objects) when there are none. */
    private final ContentHash largeObjects = new ContentHash();

    CatalogReader(Connection connection, int serverVersionNum, DumpOptions options) {
        this.catalog = new Catalog(connection, serverVersionNum, options);
    }

    /** Step one, before locking: the schemas and relations to dump. */
    void readRelations() throws SQLException {
        SchemaReader.read(catalog);
        RelationReader.read(catalog);
    }

    /** What to lock ACCESS SHARE: the tables (materialized views cannot be locked; their data is not dumped). */
    List<Relation> lockable() {
        return catalog.relations('r', 'p');
    }

    /** The large objects' count and content fingerprint, complete once the dump has been written. */
    ContentHash largeObjects() {
        return largeObjects;
    }

    /** Step two, after locking: every definition, as ordered-to-be items. */
    List<DumpItem> readDefinitions() throws SQLException {
        ExtensionReader.read(catalog);
        LanguageReader.read(catalog);
        CollationReader.read(catalog);
        ColumnReader.read(catalog);
        TypeReader.read(catalog);
        FunctionReader.read(catalog);
        OperatorReader.read(catalog);
        CastReader.read(catalog);
        TextSearchReader.read(catalog);
        ForeignDataReader.read(catalog);
        SequenceReader.read(catalog);
        TableReader.read(catalog);
        ViewReader.read(catalog);
        ConstraintReader.read(catalog);
        IndexReader.read(catalog);
        TriggerReader.read(catalog);
        RuleReader.read(catalog);
        PolicyReader.read(catalog);
        StatisticsReader.read(catalog);
        PublicationReader.read(catalog);
        EventTriggerReader.read(catalog);
        LargeObjects.read(catalog, largeObjects);
        ExtensionDependencyReader.read(catalog);
        CommentReader.read(catalog);
        if (catalog.options.keepOwnersAndPrivileges()) {
            PrivilegeReader.read(catalog);
        }
        DependencyReader.read(catalog);
        return catalog.items();
    }
}
