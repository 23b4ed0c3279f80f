package dev.pgvault.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One unit of the dump: the SQL that creates an object (with its comments and owner), a
 * table's data, or content streamed at write time (large objects). Items are written in
 * dependency order; {@link #dependsOn} holds the items that must come first.
 *
 * <p>An item can be <em>absorbed</em> into another: a column default or a CHECK constraint is
 * its own item (with its own dependencies and comments) but is written inside its table's
 * CREATE TABLE. Only when that makes a dependency loop (the default calls a function whose
 * body reads the table) is it {@linkplain #split() split} off and written on its own, as
 * pg_dump does.
 */
final class DumpItem {
    /** Content produced while writing, reading the database as it goes (constant memory). */
    interface Writer {
        void write(Connection connection, OutputStream out) throws SQLException, IOException;
    }

    private final ObjectRef ref;
    private final ItemKind kind;
    private final String label;
    private final String sortName;
    private final Supplier<String> body;
    private final StringBuilder more = new StringBuilder();
    private final Set<DumpItem> dependsOn = new LinkedHashSet<>();
    private final List<DumpItem> absorbed = new ArrayList<>();
    private final TableData data;
    private final Writer writer;
    private DumpItem absorbedBy;
    private Section section;

    private DumpItem(ObjectRef ref, ItemKind kind, String label, String sortName, Supplier<String> body,
                     TableData data, Writer writer) {
        this.ref = ref;
        this.kind = kind;
        this.label = label;
        this.sortName = sortName;
        this.body = body;
        this.data = data;
        this.writer = writer;
        this.section = kind.section();
    }

    static DumpItem ddl(ObjectRef ref, ItemKind kind, String label, String sortName, String sql) {
        return new DumpItem(ref, kind, label, sortName, () -> sql, null, null);
    }

    /** SQL rendered when written, so that parts split off meanwhile are left out. */
    static DumpItem rendered(ObjectRef ref, ItemKind kind, String label, String sortName, Supplier<String> body) {
        return new DumpItem(ref, kind, label, sortName, body, null, null);
    }

    static DumpItem tableData(ObjectRef ref, String label, String sortName, TableData data) {
        return new DumpItem(ref, ItemKind.TABLE_DATA, label, sortName, () -> "", data, null);
    }

    static DumpItem streamed(ObjectRef ref, ItemKind kind, String label, String sortName, Writer writer) {
        return new DumpItem(ref, kind, label, sortName, () -> "", null, writer);
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

    /** Everything this item writes, including the comments of the parts it absorbs. */
    String sql() {
        StringBuilder text = new StringBuilder(body.get()).append(more);
        for (DumpItem part : absorbed) {
            if (part.absorbedBy == this) {
                text.append(part.more);
            }
        }
        return text.toString();
    }

    /** The item's own statement, without what was appended. */
    String sqlBody() {
        return body.get();
    }

    /** Comments, ownership: statements that follow the item's own. */
    void appendSql(String text) {
        more.append(text);
    }

    TableData data() {
        return data;
    }

    Writer writer() {
        return writer;
    }

    Set<DumpItem> dependsOn() {
        return dependsOn;
    }

    void dependOn(DumpItem other) {
        if (other != null && other != this) {
            dependsOn.add(other);
        }
    }

    /** Written inside {@code owner} (see the class comment). */
    void absorbInto(DumpItem owner) {
        absorbedBy = owner;
        owner.absorbed.add(this);
    }

    /** The item this one is written inside, or null. */
    DumpItem absorbedBy() {
        return absorbedBy;
    }

    boolean isAbsorbed() {
        return absorbedBy != null;
    }

    /** Written on its own from now on, after the item it was part of. */
    void split() {
        DumpItem owner = absorbedBy;
        absorbedBy = null;
        dependOn(owner);
    }

    @Override
    public String toString() {
        return label;
    }
}
