package dev.pgvault.cli;

import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.crypto.Passphrase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How `pgvault backup` encrypts: --encryption openssl --passphrase-file F, or pgp --recipient-key PUB (repeatable). */
public final class EncryptOptions {
    enum Mode { none, openssl, pgp }

    @Option(names = "--encryption", defaultValue = "none", paramLabel = "MODE",
            description = "none, openssl (AES-256-CBC, opens with `openssl enc -d`) or pgp (opens with `gpg --decrypt`)."
                    + " Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "openssl mode: the passphrase is this file's first line (as `openssl -pass file:`).")
    Path passphraseFile;

    @Option(names = "--iterations", defaultValue = "600000", paramLabel = "N",
            description = "openssl mode: PBKDF2 iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--recipient-key", paramLabel = "PUBFILE",
            description = "pgp mode: a recipient's public key (armored or binary); repeat for several.")
    List<Path> recipientKeys = new ArrayList<>();

    Encryptor encryptor() {
        switch (mode) {
            case none -> {
                if (passphraseFile != null || !recipientKeys.isEmpty()) {
                    throw new UsageError("a key was given but --encryption is none; add --encryption openssl or pgp");
                }
                return Encryptors.none();
            }
            case openssl -> {
                if (passphraseFile == null) {
                    throw new UsageError("--encryption openssl needs --passphrase-file");
                }
                if (iterations < 100_000) {
                    throw new UsageError("--iterations must be at least 100000");
                }
                return Encryptors.openssl(Passphrase.fromFile(passphraseFile), iterations);
            }
            default -> {
                if (recipientKeys.isEmpty()) {
                    throw new UsageError("--encryption pgp needs at least one --recipient-key");
                }
                List<byte[]> keys = new ArrayList<>();
                for (Path key : recipientKeys) {
                    keys.add(read(key));
                }
                return Encryptors.pgp(keys);
            }
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UsageError("no file " + file);
        } catch (IOException e) {
            throw new UsageError("could not read " + file + ": " + e.getMessage());
        }
    }
}
