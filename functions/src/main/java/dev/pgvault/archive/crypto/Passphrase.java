package dev.pgvault.archive.crypto;

import dev.pgvault.errors.EncryptionKeyException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The passphrase of the {@code openssl} mode, as the exact bytes PBKDF2 is fed.
 *
 * <p>Whatever holds it (a file, a Secrets Manager secret, an SSM SecureString), the passphrase is
 * read the way {@code openssl enc -pass file:KEYFILE} reads a file, so that the operator who writes
 * the secret's value to a file can open a backup with the stock {@code openssl} command:
 * <ul>
 *   <li>the passphrase is the first line: the bytes before the first {@code \n}; the rest is ignored;</li>
 *   <li>only the {@code \n} is removed: a {@code \r} before it (a file saved with Windows line ends)
 *       stays part of the passphrase, as it does for openssl on Linux;</li>
 *   <li>no other trimming: leading and trailing spaces count;</li>
 *   <li>text is taken as UTF-8 bytes; a file's bytes are taken as they are.</li>
 * </ul>
 * Where openssl would silently differ, we refuse instead of guessing: an empty first line, a NUL
 * byte (openssl stops at it), or a first line longer than 1023 bytes (openssl cuts it there).
 *
 * <p>Never printed: {@link #toString()} is redacted and no message built here quotes the value.
 */
public final class Passphrase {
    /** openssl's apps read a passphrase line into a 1024-byte buffer, NUL terminator included. */
    static final int OPENSSL_MAX_BYTES = 1023;

    private final byte[] bytes;

    private Passphrase(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The first line of a key file, exactly as {@code openssl enc -pass file:FILE} reads it. */
    public static Passphrase fromFile(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            // One byte more than openssl keeps, to tell "exactly the limit" from "longer".
            head = in.readNBytes(OPENSSL_MAX_BYTES + 2);
        } catch (NoSuchFileException e) {
            throw new EncryptionKeyException("passphrase file " + file + " does not exist");
        } catch (IOException e) {
            throw new EncryptionKeyException("cannot read passphrase file " + file + ": " + e.getClass().getSimpleName());
        }
        try {
            return firstLine(head, "passphrase file " + file);
        } finally {
            Arrays.fill(head, (byte) 0);
        }
    }

    /** The first line of a secret's text (Secrets Manager or SSM value), UTF-8 encoded. */
    public static Passphrase fromSecretText(String secretText, String reference) {
        byte[] all = secretText.getBytes(StandardCharsets.UTF_8);
        try {
            return firstLine(all, "secret " + reference);
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }

    /** A passphrase typed or given whole (no line handling), UTF-8 encoded; it may not hold a line break. */
    public static Passphrase of(char[] typed) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(typed));
        byte[] exact = new byte[encoded.remaining()];
        encoded.get(exact);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        for (byte b : exact) {
            if (b == '\n') {
                throw new EncryptionKeyException("a passphrase may not contain a line break (openssl reads one line)");
            }
        }
        return checked(exact, "the passphrase given");
    }

    private static Passphrase firstLine(byte[] content, String source) {
        int end = 0;
        while (end < content.length && content[end] != '\n') {
            end++;
        }
        return checked(Arrays.copyOf(content, end), source + ": first line");
    }

    private static Passphrase checked(byte[] value, String what) {
        if (value.length == 0) {
            throw new EncryptionKeyException(what + " is empty; the passphrase must not be empty");
        }
        if (value.length > OPENSSL_MAX_BYTES) {
            throw new EncryptionKeyException(what + " is longer than " + OPENSSL_MAX_BYTES
                    + " bytes; openssl would use only its first " + OPENSSL_MAX_BYTES + " bytes");
        }
        for (byte b : value) {
            if (b == 0) {
                throw new EncryptionKeyException(what + " contains a NUL byte; openssl would stop reading there");
            }
        }
        return new Passphrase(value);
    }

    /** The bytes PBKDF2 uses; callers must not keep or print them. */
    byte[] bytes() {
        return bytes;
    }

    /** Whether the passphrase ends with a carriage return: the usual sign of a key file saved on Windows. */
    boolean endsWithCarriageReturn() {
        return bytes[bytes.length - 1] == '\r';
    }

    @Override
    public String toString() {
        return "Passphrase[redacted]";
    }
}
