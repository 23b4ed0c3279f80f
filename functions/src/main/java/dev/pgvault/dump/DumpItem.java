package dev.pgvault.dump;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One unit of the dump: the SQL that creates an object (with its comments), or a table's
 * data. Items are written in dependency order; {@link #dependsOn} holds the items that must
 * come first.
 */
final class DumpItem {
    private final ObjectRef ref;
    private final ItemKind kind;
    private final String label;
    private final String sortName;
    private final StringBuilder sql = new StringBuilder();
    private final Set<DumpItem> dependsOn = new LinkedHashSet<>();
    private final TableData data;
    private Section section;

    DumpItem(ObjectRef ref, ItemKind kind, String label, String sortName, TableData data) {
        this.ref = ref;
        this.kind = kind;
        this.label = label;
        this.sortName = sortName;
        this.data = data;
        this.section = kind.section();
    }

    static DumpItem ddl(ObjectRef ref, ItemKind kind, String label, String sortName, String sql) {
        DumpItem item = new DumpItem(ref, kind, label, sortName, null);
        item.sql.append(sql);
        return item;
    }

    ObjectRef ref() {
        return ref;
    }

    ItemKind kind() {
        return kind;
    }

    /** Human-readable, for progress and errors: "table public.users". */
    String label() {
        return label;
    }

    String sortName() {
        return sortName;
    }

    Section section() {
        return section;
    }

    /** Moves a post-data item before the data because a pre-data item needs it. */
    void promoteTo(Section earlier) {
        if (earlier.compareTo(section) < 0) {
            section = earlier;
        }
    }

    String sql() {
        return sql.toString();
    }

    void appendSql(String more) {
        sql.append(more);
    }

    TableData data() {
        return data;
    }

    Set<DumpItem> dependsOn() {
        return dependsOn;
    }

    void dependOn(DumpItem other) {
        if (other != null && other != this) {
            dependsOn.add(other);
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
