package dev.pgvault.dump;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the readers of one dump share: the connection inside the snapshot, the server's
 * version, the options, and the items read so far, found by the catalog object that creates
 * them. Each reader adds the items of its object kind and says, for each object, how a
 * comment on it and its owner are written; {@link CommentReader} and {@link PrivilegeReader}
 * then attach those to the right items.
 */
final class Catalog {
    /** SQL predicate on a namespace row {@code n}: a user schema. */
    static final String USER_SCHEMA = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

    final Connection connection;
    final int version;
    final DumpOptions options;

    private final List<DumpItem> items = new ArrayList<>();
    private final Map<ObjectRef, DumpItem> byRef = new HashMap<>();
    private final Map<CommentKey, Target> commentTargets = new HashMap<>();
    private final List<Owned> owned = new ArrayList<>();
    final Map<Long, Relation> relations = new LinkedHashMap<>();
    final Map<Long, List<Column>> columns = new HashMap<>();
    final Map<Long, DumpItem> schemas = new HashMap<>();
    /** "GENERATED ... AS IDENTITY (...)" options by "table oid:column number", from the column's sequence. */
    final Map<String, String> identityOptions = new HashMap<>();
    /** Functions a type needs to be defined (a base type's input, a range's canonical): function oid -> the type's shell. */
    final Map<Long, DumpItem> supportFunctions = new HashMap<>();
    /** Foreign tables: table oid -> "SERVER s OPTIONS (...)". */
    final Map<Long, String> foreignTables = new HashMap<>();
    /** Foreign tables' column options: "table oid:column number" -> "OPTIONS (...)". */
    final Map<String, String> foreignColumnOptions = new HashMap<>();
    /** Identity sequences: sequence oid -> the oid of the table whose column owns it. */
    final Map<Long, Long> identitySequences = new HashMap<>();

    /** Where a comment on an object goes: the item to append to, and "TABLE public.t" for COMMENT ON. */
    record Target(DumpItem item, String sql) {}

    private record CommentKey(String catalog, long oid, int subid) {}

    /**
     * An object with an owner and maybe privileges.
     *
     * @param ownerSql  "TABLE public.t" for ALTER ... OWNER TO, or null when the owner follows another object
     * @param grantSql  "TABLE public.t" for GRANT ... ON, or null when the kind has no privileges
     */
    record Owned(ObjectRef ref, DumpItem item, String ownerSql, String grantSql) {}

    Catalog(Connection connection, int version, DumpOptions options) {
        this.connection = connection;
        this.version = version;
        this.options = options;
    }

    boolean atLeast(int versionNum) {
        return version >= versionNum;
    }

    List<DumpItem> items() {
        return items;
    }

    void add(DumpItem item) {
        items.add(item);
        byRef.put(item.ref(), item);
    }

    /** Another catalog object whose creation is part of {@code item} (a constraint's index, a view's rule). */
    void alias(ObjectRef ref, DumpItem item) {
        byRef.put(ref, item);
    }

    DumpItem item(ObjectRef ref) {
        return byRef.get(ref);
    }

    DumpItem schemaItem(long namespace) {
        return schemas.get(namespace);
    }

    void commentOn(String catalog, long oid, int subid, DumpItem item, String target) {
        commentTargets.put(new CommentKey(catalog, oid, subid), new Target(item, target));
    }

    Target commentTarget(String catalog, long oid, int subid) {
        return commentTargets.get(new CommentKey(catalog, oid, subid));
    }

    void owned(ObjectRef ref, DumpItem item, String ownerSql, String grantSql) {
        owned.add(new Owned(ref, item, ownerSql, grantSql));
    }

    List<Owned> owned() {
        return owned;
    }

    List<Relation> relations(char... kinds) {
        List<Relation> found = new ArrayList<>();
        for (Relation relation : relations.values()) {
            for (char kind : kinds) {
                if (relation.kind() == kind) {
                    found.add(relation);
                }
            }
        }
        return found;
    }

    /** The oids of the dumped relations of the given kinds, as a parameter for {@code = ANY(?)}. */
    Array relationOids(char... kinds) throws SQLException {
        return oids(relations(kinds).stream().map(Relation::oid).toList());
    }

    Array oids(List<Long> values) throws SQLException {
        return connection.createArrayOf("int8", values.toArray(new Long[0]));
    }

    interface Rows {
        void row(ResultSet rs) throws SQLException;
    }

    /** Runs a query with parameters ({@link Array}, String, Long, Integer) and hands each row over. */
    void query(String sql, Rows rows, Object... parameters) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.row(rs);
                }
            }
        }
    }

    private record PendingEdge(DumpItem from, ObjectRef to) {}

    private final List<PendingEdge> pendingEdges = new ArrayList<>();

    /** A dependency on an object whose item a later reader adds; resolved by {@link #resolvePendingEdges()}. */
    void pendingEdge(DumpItem from, ObjectRef to) {
        pendingEdges.add(new PendingEdge(from, to));
    }

    void resolvePendingEdges() {
        for (PendingEdge edge : pendingEdges) {
            edge.from().dependOn(item(edge.to()));
        }
    }

    /**
     * Adds the item that creates a catalog object, in its schema (namespace 0: none), with where
     * a comment on it goes and how its owner and privileges are written (null: it has none).
     */
    DumpItem addObject(ObjectRef ref, ItemKind kind, String label, String sortName, String sql, long namespace,
                       String commentTarget, String ownerSql, String grantSql) {
        DumpItem item = DumpItem.ddl(ref, kind, label, sortName, sql);
        add(item);
        if (namespace != 0) {
            inSchema(item, namespace);
        }
        if (commentTarget != null) {
            commentOn(ref.catalog(), ref.oid(), 0, item, commentTarget);
        }
        if (ownerSql != null || grantSql != null) {
            owned(ref, item, ownerSql, grantSql);
        }
        return item;
    }

    /** Sets the item's dependency on its schema's item (none for schemas we do not dump, e.g. pg_catalog). */
    void inSchema(DumpItem item, long namespace) {
        item.dependOn(schemas.get(namespace));
    }

    /** "pg_class" from a regclass rendered as pg_catalog.pg_class or, quoting all, "pg_catalog"."pg_class". */
    static String className(String regclass) {
        return regclass.replace("\"", "").replace("pg_catalog.", "");
    }

    static char firstChar(String value) {
        return value == null || value.isEmpty() ? 0 : value.charAt(0);
    }
}
