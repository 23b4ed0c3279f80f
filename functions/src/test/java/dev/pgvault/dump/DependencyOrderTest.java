package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.PgvaultException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DependencyOrderTest {
    private static DumpItem item(ItemKind kind, String name) {
        return DumpItem.ddl(new ObjectRef(kind.name(), name.hashCode()), kind, name, name, name + ";\n");
    }

    @Test
    void dependenciesComeFirstWhateverTheStandingSays() {
        DumpItem table = item(ItemKind.TABLE, "table");
        DumpItem function = item(ItemKind.FUNCTION, "function"); // reads the table (SQL-standard body)
        function.dependOn(table);
        DumpItem view = item(ItemKind.VIEW, "view");
        view.dependOn(function);
        assertThat(DependencyOrder.sort(List.of(view, function, table))).containsExactly(table, function, view);
    }

    @Test
    void aLoopThroughAnAbsorbedDefaultIsBrokenBySplittingItOff() {
        DumpItem table = item(ItemKind.TABLE, "table");
        DumpItem defaultPart = item(ItemKind.DEFAULT, "default");
        defaultPart.absorbInto(table);
        DumpItem function = item(ItemKind.FUNCTION, "function");
        function.dependOn(table);
        defaultPart.dependOn(function);
        DumpItem data = DumpItem.tableData(new ObjectRef("table_data", 1), "data", "data", null);
        data.dependOn(table);

        List<DumpItem> ordered = DependencyOrder.sort(List.of(table, defaultPart, function, data));

        assertThat(defaultPart.isAbsorbed()).isFalse();
        assertThat(ordered).containsExactly(table, function, defaultPart, data);
    }

    @Test
    void withoutAPartToSplitALoopFailsNamingItsMembers() {
        DumpItem first = item(ItemKind.VIEW, "view a");
        DumpItem second = item(ItemKind.FUNCTION, "function b");
        first.dependOn(second);
        second.dependOn(first);
        assertThatThrownBy(() -> DependencyOrder.sort(List.of(first, second)))
                .isInstanceOf(PgvaultException.class)
                .hasMessageContaining("circular dependency between function b, view a");
    }

    @Test
    void aPostDataItemThatAPreDataItemNeedsMovesBeforeTheData() {
        DumpItem table = item(ItemKind.TABLE, "table");
        DumpItem key = item(ItemKind.CONSTRAINT, "primary key");
        key.dependOn(table);
        DumpItem view = item(ItemKind.VIEW, "view grouping by the key");
        view.dependOn(key);
        DumpItem data = DumpItem.tableData(new ObjectRef("table_data", 1), "data", "data", null);
        data.dependOn(table);
        assertThat(DependencyOrder.sort(List.of(data, view, key, table))).containsExactly(table, key, view, data);
    }
}
