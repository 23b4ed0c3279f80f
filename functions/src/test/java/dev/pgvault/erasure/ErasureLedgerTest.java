package dev.pgvault.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.crypto.Passphrase;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.repository.BackupArtifacts;
import dev.pgvault.repository.DirectoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErasureLedgerTest {
    static final String SUBJECT = "erin.erased@example.org";

    @TempDir
    Path repo;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T09:00:00Z"), ZoneOffset.UTC);

    @Test
    void anEntryIsRefusedUntilStatementsAreConfiguredAndBadStatementsChangeNothing() {
        ErasureLedger ledger = new ErasureLedger(new DirectoryStore(repo), clock);

        assertThatThrownBy(() -> ledger.append(SUBJECT, "ops", "art. 17 request", Encryptors.none()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("erase configure");
        assertThatThrownBy(() -> ledger.configure("TRUNCATE users;")).isInstanceOf(InvalidRequestException.class);
        assertThat(ledger.statements()).isEmpty();
        assertThat(ledger.list()).isEmpty();
    }

    @Test
    void entriesAreAppendedOneObjectEachNamedWithoutTheSubject() throws Exception {
        ErasureLedger ledger = new ErasureLedger(new DirectoryStore(repo), clock);
        ledger.configure("DELETE FROM users WHERE email = :subject;");

        ErasureLedger.Listed first = ledger.append(SUBJECT, "ops@laptop", "art. 17 request #41", Encryptors.none());
        ErasureLedger.Listed second = ledger.append("someone@example.org", "ops@laptop", "#42", Encryptors.none());

        assertThat(first.key()).startsWith(BackupArtifacts.ERASURE_ENTRIES).doesNotContain("erin");
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(ledger.list()).extracting(ErasureLedger.Listed::id).containsExactlyInAnyOrder(first.id(), second.id());
        List<ErasureEntry> entries = ledger.entries(Decryptors.none());
        assertThat(entries).extracting(ErasureEntry::subject).containsExactlyInAnyOrder(SUBJECT, "someone@example.org");
        ErasureEntry erin = entries.stream().filter(e -> e.id().equals(first.id())).findFirst().orElseThrow();
        assertThat(erin.recordedBy()).isEqualTo("ops@laptop");
        assertThat(erin.reason()).isEqualTo("art. 17 request #41");
        assertThat(erin.recordedAt()).isEqualTo(clock.instant());
        assertThat(erin.toString()).doesNotContain("erin");
    }

    @Test
    void entriesAreEncryptedLikeTheBackupsAndOpenOnlyWithTheirKey() throws Exception {
        DirectoryStore store = new DirectoryStore(repo);
        ErasureLedger ledger = new ErasureLedger(store, clock);
        ledger.configure("DELETE FROM users WHERE email = :subject;");
        Passphrase passphrase = Passphrase.of("correct horse battery staple".toCharArray());

        ErasureLedger.Listed listed = ledger.append(SUBJECT, "ops", "art. 17",
                Encryptors.openssl(passphrase, 100_000));

        assertThat(listed.key()).endsWith(".json.enc");
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                        .as(file.toString()).doesNotContain("erin.erased").doesNotContain("art. 17");
            }
        }
        assertThat(ledger.entries(Decryptors.openssl(passphrase))).extracting(ErasureEntry::subject)
                .containsExactly(SUBJECT);
        assertThatThrownBy(() -> ledger.entries(Decryptors.openssl(Passphrase.of("wrong".toCharArray()))))
                .isInstanceOf(PgvaultException.class).hasMessageContaining(listed.key())
                .message().doesNotContain("erin");
        assertThatThrownBy(() -> ledger.entries(Decryptors.none())).hasMessageContaining(listed.key());
    }
}
