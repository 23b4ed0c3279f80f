package dev.pgvault.archive.crypto;

import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.WrongKeyException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * Opens openssl-mode objects with a passphrase. Before any plaintext: the header must be openssl's,
 * its salt the one the manifest recorded (else the object was altered), and the derived key must
 * match the recorded key check (else the passphrase is wrong). At the end: the length and the
 * HMAC-SHA256 of the whole object must match the manifest, then the padding must be sound.
 */
final class OpensslDecryptor implements Decryptor {
    private final Passphrase passphrase;

    OpensslDecryptor(Passphrase passphrase) {
        this.passphrase = passphrase;
    }

    @Override
    public String mode() {
        return OpensslParameters.MODE;
    }

    @Override
    public DecryptingStream decrypt(InputStream stored, EncryptionParameters recorded) throws IOException {
        if (recorded instanceof NoEncryptionParameters) {
            return NoEncryption.plaintextOf(stored);
        }
        OpensslParameters parameters = Decryptors.requireMode(OpensslParameters.class, recorded, mode());
        CountingInputStream counted = new CountingInputStream(stored);
        try {
            Opened opened = open(counted, parameters);
            return new OpensslDecryptingStream(counted, parameters, opened.keys(), opened.mac());
        } catch (RuntimeException | IOException e) {
            closeQuietly(counted, e);
            throw e;
        }
    }

    /** Checks the MAC alone: no AES, so about as fast as reading the object. */
    @Override
    public void verify(InputStream stored, EncryptionParameters recorded) throws IOException {
        if (!(recorded instanceof OpensslParameters parameters) || parameters.hmac() == null) {
            // Nothing to check but padding (or nothing at all): decrypting is the only test there is.
            Decryptor.super.verify(stored, recorded);
            return;
        }
        try (CountingInputStream counted = new CountingInputStream(stored)) {
            Mac mac = open(counted, parameters).mac();
            byte[] buffer = new byte[OpensslFormat.CHUNK_BYTES];
            for (int n; (n = counted.read(buffer, 0, buffer.length)) >= 0; ) {
                mac.update(buffer, 0, n);
            }
            OpensslEndChecks.lengthAndMac(counted.count(), parameters, mac);
        }
    }

    private record Opened(OpensslKeys keys, Mac mac) {
    }

    /** Reads and checks the header, derives the keys, checks them against the manifest. */
    private Opened open(CountingInputStream counted, OpensslParameters parameters) throws IOException {
        byte[] header = counted.readNBytes(OpensslFormat.HEADER_BYTES);
        if (header.length < OpensslFormat.HEADER_BYTES) {
            throw DamageVerdict.truncated(mode(), header.length, parameters.encryptedBytes(), null);
        }
        if (!Arrays.equals(header, 0, OpensslFormat.MAGIC.length, OpensslFormat.MAGIC, 0, OpensslFormat.MAGIC.length)) {
            throw new TamperedBackupException("openssl-encrypted backup does not start with openssl's 'Salted__' header: "
                    + "it was altered, or it is not an openssl-mode object");
        }
        byte[] salt = Arrays.copyOfRange(header, OpensslFormat.MAGIC.length, OpensslFormat.HEADER_BYTES);
        HexFormat hex = HexFormat.of();
        if (parameters.salt() != null && !hex.formatHex(salt).equalsIgnoreCase(parameters.salt())) {
            throw new TamperedBackupException("openssl-encrypted backup's salt " + hex.formatHex(salt)
                    + " differs from the " + parameters.salt() + " its manifest records: the header was altered");
        }
        OpensslKeys keys = OpensslKeys.derive(passphrase, salt, parameters.iterations());
        if (parameters.keyCheck() != null
                && !MessageDigest.isEqual(keys.keyCheck(), hex.parseHex(parameters.keyCheck()))) {
            String hint = passphrase.endsWithCarriageReturn()
                    ? " (the passphrase's line ends with a carriage return: was the key file saved with Windows line ends?)"
                    : "";
            throw new WrongKeyException("the passphrase does not open this openssl-encrypted backup: its key check, "
                    + "derived with " + parameters.iterations() + " PBKDF2 iterations, differs from the manifest's" + hint);
        }
        Mac mac = keys.newMac();
        mac.update(header);
        return new Opened(keys, mac);
    }

    private static void closeQuietly(InputStream in, Exception primary) {
        try {
            in.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
