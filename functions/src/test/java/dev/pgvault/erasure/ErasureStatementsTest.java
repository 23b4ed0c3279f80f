package dev.pgvault.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.BackupArtifacts;
import dev.pgvault.restore.ErasureStatements;
import org.junit.jupiter.api.Test;

class ErasureStatementsTest {
    @Test
    void everySubjectPlaceholderBecomesABoundParameterAndNothingElseDoes() {
        ErasureStatements parsed = ErasureStatements.parse("""
                -- erase a person
                DELETE FROM users WHERE email = :subject OR lower(email) = lower(:subject);
                UPDATE audit SET actor = NULL, note = ':subject stays text' WHERE actor = :subject::text AND tags[1:2] IS NOT NULL;
                """);

        assertThat(parsed.statements()).hasSize(2);
        assertThat(parsed.statements().get(0).jdbc())
                .isEqualTo("DELETE FROM users WHERE email = ? OR lower(email) = lower(?);");
        assertThat(parsed.statements().get(0).parameters()).isEqualTo(2);
        assertThat(parsed.statements().get(1).jdbc()).isEqualTo("UPDATE audit SET actor = NULL, note ="
                + " ':subject stays text' WHERE actor = ?::text AND tags[1:2] IS NOT NULL;");
        assertThat(parsed.statements().get(1).parameters()).isEqualTo(1);
        assertThat(parsed.statements().get(1).line()).isEqualTo(3);
    }

    @Test
    void onlyDeleteAndUpdateUsingTheSubjectAreAccepted() {
        assertThatThrownBy(() -> ErasureStatements.parse("DROP TABLE users;"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("statement 1 (line 1) is DROP");
        assertThatThrownBy(() -> ErasureStatements.parse("DELETE FROM users WHERE email = :subject;\nCOMMIT;"))
                .hasMessageContaining("statement 2 (line 2) is COMMIT");
        assertThatThrownBy(() -> ErasureStatements.parse("DELETE FROM users;"))
                .hasMessageContaining("does not use :subject");
        assertThatThrownBy(() -> ErasureStatements.parse("DELETE FROM users WHERE email = :email;"))
                .hasMessageContaining("uses :email: the only parameter is :subject");
        assertThatThrownBy(() -> ErasureStatements.parse("DELETE FROM users WHERE email = $1;"))
                .hasMessageContaining("the only parameter is :subject");
        assertThatThrownBy(() -> ErasureStatements.parse("DELETE FROM t WHERE data ? 'k' AND email = :subject;"))
                .hasMessageContaining("'?'");
        assertThatThrownBy(() -> ErasureStatements.parse("-- nothing\n"))
                .hasMessageContaining("holds no statement");
    }

    @Test
    void ledgerEntriesAreKeptUnderObjectLockAndTheStatementsAreNot() {
        String entry = BackupArtifacts.erasureEntryKey("20261124T101530.123Z", "0123456789abcdef0123456789abcdef",
                "openssl");
        assertThat(entry).isEqualTo("gdpr/ledger/20261124T101530.123Z-0123456789abcdef0123456789abcdef.json.enc");
        assertThat(BackupArtifacts.retainedUnderObjectLock(entry)).isTrue();
        assertThat(BackupArtifacts.retainedUnderObjectLock(BackupArtifacts.ERASURE_STATEMENTS)).isFalse();
        assertThat(BackupArtifacts.retainedUnderObjectLock("gdpr/ledger/notes.txt")).isFalse();
    }
}
