package dev.pgvault.archive.crypto;

import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.WrongKeyException;
import java.io.IOException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * AES-256-CBC decryption of the object's body as it is read, the MAC taken over the same bytes.
 * The cipher holds back the last block (it carries the padding) until the end, and the end hands it
 * out only after the length and MAC checks passed: a tampered object never reaches a clean end.
 */
final class OpensslDecryptingStream extends DecryptingStream {
    private final CountingInputStream counted;
    private final OpensslParameters parameters;
    private final Cipher cipher;
    private final Mac mac;
    private final byte[] stored = new byte[OpensslFormat.CHUNK_BYTES];
    private byte[] plaintext = new byte[OpensslFormat.CHUNK_BYTES + 2 * OpensslFormat.BLOCK_BYTES];
    private int plaintextOffset;
    private int plaintextLength;
    private boolean ended;
    private PgvaultException failure;

    OpensslDecryptingStream(CountingInputStream counted, OpensslParameters parameters, OpensslKeys keys, Mac mac) {
        this.counted = counted;
        this.parameters = parameters;
        this.cipher = OpensslFormat.cipher(Cipher.DECRYPT_MODE, keys);
        this.mac = mac;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (length == 0) {
            return 0;
        }
        try {
            while (plaintextLength == 0) {
                if (ended) {
                    return -1;
                }
                fill();
            }
        } catch (PgvaultException e) {
            failure = e;
            throw e;
        }
        int n = Math.min(length, plaintextLength);
        System.arraycopy(plaintext, plaintextOffset, buffer, offset, n);
        plaintextOffset += n;
        plaintextLength -= n;
        return n;
    }

    private void fill() throws IOException {
        int n = counted.read(stored, 0, stored.length);
        plaintextOffset = 0;
        if (n < 0) {
            ended = true;
            OpensslEndChecks.lengthAndMac(counted.count(), parameters, mac);
            plaintext = lastBlock();
            plaintextLength = plaintext.length;
            return;
        }
        mac.update(stored, 0, n);
        try {
            plaintextLength = cipher.update(stored, 0, n, plaintext, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("plaintext buffer too small", e);
        }
    }

    private byte[] lastBlock() {
        try {
            return cipher.doFinal();
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            if (parameters.hmac() != null) {
                // The MAC matched, so these are the bytes pgvault wrote; a bad padding would mean a bug.
                throw new TamperedBackupException("openssl-encrypted backup passed its MAC check but has a bad padding", e);
            }
            throw new WrongKeyException("openssl-mode object does not decrypt: wrong passphrase or iteration count "
                    + "(" + parameters.iterations() + "), or the object is damaged; with no recorded MAC "
                    + "the causes cannot be told apart");
        }
    }

    @Override
    public void close() throws IOException {
        counted.close();
    }
}
