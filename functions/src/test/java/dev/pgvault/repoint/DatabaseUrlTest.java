package dev.pgvault.repoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.InvalidRequestException;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {
    private static final String PASSWORD = "s3cr%40t-P4ss";
    private static final String WHERE = "key 'database-url' of secret shop/auth";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // value | host:port found | value after repointing to new.example.com:6543
            "postgresql://app:s3cr%40t-P4ss@old.example.com:5432/auth_db | old.example.com:5432 | postgresql://app:s3cr%40t-P4ss@new.example.com:6543/auth_db",
            "postgres://app:s3cr%40t-P4ss@old.example.com/auth_db?sslmode=require&application_name=auth | old.example.com | postgres://app:s3cr%40t-P4ss@new.example.com:6543/auth_db?sslmode=require&application_name=auth",
            "jdbc:postgresql://old.example.com:5432/auth_db?user=app&password=s3cr%40t-P4ss | old.example.com:5432 | jdbc:postgresql://new.example.com:6543/auth_db?user=app&password=s3cr%40t-P4ss",
            "postgresql://app:p@ss@old.example.com:5432/db | old.example.com:5432 | postgresql://app:p@ss@new.example.com:6543/db",
            "postgresql://[fd00::1]:5432/db | [fd00::1]:5432 | postgresql://new.example.com:6543/db",
            "postgresql://app@old.example.com | old.example.com | postgresql://app@new.example.com:6543",
            "POSTGRESQL://app:x@old.example.com:5432/db#frag | old.example.com:5432 | POSTGRESQL://app:x@new.example.com:6543/db#frag",
    })
    void replacesOnlyHostAndPort(String value, String found, String expected) {
        DatabaseUrl url = DatabaseUrl.parse(value, WHERE);
        assertThat(url.endpoint().authority()).isEqualTo(found);
        assertThat(url.withEndpoint(DatabaseEndpoint.of("new.example.com", 6543)).reveal()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "postgresql://app:s3cr%40t-P4ss@old.example.com:5432/auth_db",
            "postgresql://app:s3cr%40t-P4ss@old.example.com/auth_db\n",
            "postgres://app:s3cr%40t-P4ss@[::1]/auth_db?sslmode=verify-full",
    })
    void goingBackGivesTheOriginalValueByteForByte(String value) {
        DatabaseUrl original = DatabaseUrl.parse(value, WHERE);
        DatabaseUrl moved = original.withEndpoint(DatabaseEndpoint.of("restored.example.com", 5432));
        DatabaseUrl back = DatabaseUrl.parse(moved.reveal(), WHERE).withEndpoint(original.endpoint());
        assertThat(back.reveal()).isEqualTo(value);
        assertThat(back).isEqualTo(original);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "mysql://app:s3cr%40t-P4ss@old.example.com/db | does not start with postgresql://",
            "postgresql://app:s3cr%40t-P4ss@a.example.com:5432,b.example.com:5432/db | names several hosts",
            "postgresql://app:s3cr%40t-P4ss@old.example.com:port/db | cannot read",
            "postgresql://app:s3cr%40t-P4ss@/db | has no host",
            "postgresql://app:s3cr/%40t-P4ss@old.example.com/db | percent-encode",
            "postgresql://app:12?34s3cr%40t-P4ss@old.example.com/db | percent-encode",
            "'   ' | is empty",
    })
    void refusesWhatItCannotRepointWithoutQuotingTheValue(String value, String expected) {
        assertThatThrownBy(() -> DatabaseUrl.parse(value, WHERE))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(WHERE)
                .hasMessageContaining(expected)
                .message().doesNotContain(PASSWORD).doesNotContain("s3cr");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad host", "-leading.example.com", "a/b", "x@y"})
    void endpointHostsAreCheckedBeforeTheyGoIntoAUrl(String host) {
        assertThatThrownBy(() -> new DatabaseEndpoint(host, OptionalInt.of(5432)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not a valid host");
    }

    @org.junit.jupiter.api.Test
    void neverPrintsThePassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:" + PASSWORD + "@old.example.com:5432/db", WHERE);
        assertThat(url.toString()).contains("old.example.com:5432").doesNotContain(PASSWORD);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // value | database found | value after naming auth_db_restored
            "postgresql://app:s3cr%40t-P4ss@old.example.com:5432/auth_db?sslmode=require | auth_db | postgresql://app:s3cr%40t-P4ss@old.example.com:5432/auth_db_restored?sslmode=require",
            "postgresql://app@old.example.com | | postgresql://app@old.example.com/auth_db_restored",
            "jdbc:postgresql://old.example.com/auth%2Ddb#f | auth-db | jdbc:postgresql://old.example.com/auth_db_restored#f",
    })
    void theDatabaseNameCanChangeAndNothingElse(String value, String database, String expected) {
        DatabaseUrl url = DatabaseUrl.parse(value, WHERE);
        assertThat(url.database().orElse(null)).isEqualTo(database);
        DatabaseUrl renamed = url.withDatabase("auth_db_restored");
        assertThat(renamed.reveal()).isEqualTo(expected);
        assertThat(renamed.database()).contains("auth_db_restored");
        assertThat(renamed.withEndpoint(DatabaseEndpoint.of("new.example.com", 6543)).reveal())
                .isEqualTo(expected.replaceFirst("old\\.example\\.com(:5432)?", "new.example.com:6543"));
    }

    @org.junit.jupiter.api.Test
    void databaseNamesThatNeedQuotingOrADbnameParameterAreRefused() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:" + PASSWORD + "@h/auth_db", WHERE);
        assertThatThrownBy(() -> url.withDatabase("auth db")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'auth db'");
        assertThatThrownBy(() -> url.withDatabase("x/../y")).isInstanceOf(InvalidRequestException.class);
        DatabaseUrl parameter = DatabaseUrl.parse("postgresql://h/?dbname=auth_db&password=" + PASSWORD, WHERE);
        assertThat(parameter.database()).contains("auth_db");
        assertThatThrownBy(() -> parameter.withDatabase("other")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("dbname parameter").message().doesNotContain(PASSWORD);
    }
}
