package dev.pgvault.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repoint.ApplicationRef;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PitrRequestTest {
    @ParameterizedTest
    @CsvSource({"02:00-03:00, 02:00-03:00", "23:30-00:00, 23:30-00:00", "22:00-01:00, 22:00-01:00"})
    void backupWindowsMayRunPastMidnight(String text, String expected) {
        assertThat(BackupWindow.parse(text).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2:00-3:00", "02:00", "24:00-01:00", "23:50-00:10", "02:00-02:00", ""})
    void backupWindowsRdsWouldRefuseAreRefusedHere(String text) {
        assertThatThrownBy(() -> BackupWindow.parse(text)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("backup window");
    }

    @Test
    void theDefaultTargetNameMatchesTheStateMachines() {
        assertThat(RestoreTarget.defaultName("auth-db-prod", Instant.parse("2024-01-01T11:55:42Z")))
                .isEqualTo("auth-db-prod-pitr-2024-01-01-1155");
        assertThatThrownBy(() -> RestoreTarget.defaultName("a".repeat(50), Instant.EPOCH))
                .hasMessageContaining("derived target name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1db", "auth--db", "auth-db-", "auth_db", "auth.db"})
    void rdsIdentifierRules(String id) {
        assertThatThrownBy(() -> RestoreTarget.checkIdentifier("instance", id))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'" + id + "'");
    }

    @Test
    void theWindowIncludesItsStartButNotTheLatestRestorableTime() {
        RestoreWindow window = new RestoreWindow(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"));
        assertThat(window.contains(Instant.parse("2024-01-01T00:00:00Z"))).isTrue();
        assertThat(window.contains(Instant.parse("2024-01-02T00:00:00Z"))).isFalse();
        assertThat(window.contains(Instant.parse("2023-12-31T23:59:59Z"))).isFalse();
    }

    @Test
    void requestJsonHasTheStateMachinesShape() {
        var request = new RestoreRequest("auth-db-prod", Optional.of(Instant.parse("2024-01-01T11:55:00Z")),
                "auth-db-prod-pitr-2024-01-01-1155", new ApplicationRef("shopping-app", "auth-service-secrets", null, "auth-service"),
                Optional.of(URI.create("http://auth-service/health")), Optional.empty());
        var json = request.toJson();
        assertThat(json.path("restoreTime").asText()).isEqualTo("2024-01-01T11:55:00Z");
        assertThat(json.path("application").path("secretKey").asText()).isEqualTo("database-url");
        assertThat(json.has("maxWaitMinutes")).isFalse();
        assertThatThrownBy(() -> new RestoreRequest("auth-db-prod", Optional.empty(), "auth-db-prod-x",
                request.application(), Optional.empty(), Optional.of(0))).hasMessageContaining("1 to 1440");
    }
}
