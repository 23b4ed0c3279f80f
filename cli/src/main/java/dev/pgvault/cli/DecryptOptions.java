package dev.pgvault.cli;

import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Passphrase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The key for an encrypted backup: --passphrase-file F, or --secret-key F [--secret-key-passphrase-file F]. */
public final class DecryptOptions {
    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "openssl-mode backups: the passphrase file.")
    Path passphraseFile;

    @Option(names = "--secret-key", paramLabel = "FILE", description = "pgp-mode backups: a secret key (armored or binary).")
    Path secretKey;

    @Option(names = "--secret-key-passphrase-file", paramLabel = "FILE",
            description = "The passphrase protecting --secret-key, if any (first line).")
    Path secretKeyPassphraseFile;

    Decryptor decryptor() {
        if (passphraseFile != null && secretKey != null) {
            throw new UsageError("give --passphrase-file or --secret-key, not both");
        }
        if (passphraseFile != null) {
            return Decryptors.openssl(Passphrase.fromFile(passphraseFile));
        }
        if (secretKey != null) {
            char[] keyPassphrase = secretKeyPassphraseFile == null ? null
                    : new String(EncryptOptions.read(secretKeyPassphraseFile), StandardCharsets.UTF_8)
                            .lines().findFirst().orElse("").toCharArray();
            return Decryptors.pgp(EncryptOptions.read(secretKey), keyPassphrase);
        }
        if (secretKeyPassphraseFile != null) {
            throw new UsageError("--secret-key-passphrase-file needs --secret-key");
        }
        return Decryptors.none();
    }
}
