package dev.pgvault.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.TestDatabase;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ThrowawayPostgresTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @Test
    void servesAFreshDatabasePerTest() throws Exception {
        db.execute("CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)");
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM t")).isEqualTo(2);
        try (var c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SHOW server_encoding")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("UTF8");
        }
    }
}
