package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.TestDatabase;
import dev.pgvault.sandbox.SampleDatabase;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DrillCommandTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @Test
    void drillOnItsOwnThrowawayServer() {
        CliRun drill = CliRun.of("drill", "--users", "300");
        assertThat(drill.exitCode()).as(drill.toString()).isZero();
        assertThat(drill.out()).contains("server").contains("load").contains("backup").contains("restore")
                .contains("2 of 2 tables match the manifest").contains("drill passed").contains("RTO").contains("RPO");
    }

    @Test
    void drillOnAGivenDatabaseLeavesNoScratchDatabase() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 50);
        }
        CliRun drill = CliRun.of("drill", "--database-url", db.libpqUrl());
        assertThat(drill.exitCode()).as(drill.toString()).isZero();
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgvault_drill_%'"))
                .isZero();
    }
}
