package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.InputStream;

/** Opens pgp-mode backups (and OpenPGP messages from {@code gpg --encrypt}) with the secret keys given. */
final class PgpDecryptor implements Decryptor {
    private final PgpSecretKeys secretKeys;
    private final char[] keyPassphrase;

    PgpDecryptor(PgpSecretKeys secretKeys, char[] keyPassphrase) {
        this.secretKeys = secretKeys;
        this.keyPassphrase = keyPassphrase == null ? null : keyPassphrase.clone();
    }

    @Override
    public String mode() {
        return PgpParameters.MODE;
    }

    @Override
    public DecryptingStream decrypt(InputStream stored, EncryptionParameters recorded) throws IOException {
        if (recorded instanceof NoEncryptionParameters) {
            return NoEncryption.plaintextOf(stored);
        }
        PgpParameters parameters = Decryptors.requireMode(PgpParameters.class, recorded, mode());
        CountingInputStream counted = new CountingInputStream(stored);
        try {
            return PgpDecryptingStream.open(counted, parameters, secretKeys, keyPassphrase);
        } catch (RuntimeException | IOException e) {
            try {
                counted.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }
}
