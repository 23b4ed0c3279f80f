package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.InputStream;

/**
 * Plaintext of a stored backup, released while the object is still being read: the restore applies
 * SQL as it arrives, and whole backups do not fit in memory. The integrity of the whole object is
 * therefore known only at its end, and the contract is:
 * <ul>
 *   <li>{@code read} returns -1 only after the whole object was read and found intact; a failed check
 *       throws instead (a {@link dev.pgvault.errors.PgvaultException} subclass), and every later read
 *       throws the same;</li>
 *   <li>plaintext handed out before that is unverified: apply it inside a transaction and roll back
 *       when any exception comes out of this stream. Commit only after {@link #verifyToEnd()}
 *       returned;</li>
 *   <li>a consumer that stops before the end (gzip stops after its trailer, a SQL reader after its
 *       last statement) must call {@link #verifyToEnd()}, which reads the rest and runs the checks.
 *       When the consumer itself fails on garbage (say gzip reports a corrupt stream), calling
 *       {@link #verifyToEnd()} first tells whether the real cause is a damaged or tampered object.</li>
 * </ul>
 */
public abstract class DecryptingStream extends InputStream {

    /**
     * Reads what is left of the stored object, discarding its plaintext, and runs the integrity
     * checks if they have not run yet. Returns normally only if the object is intact.
     */
    public void verifyToEnd() throws IOException {
        byte[] discard = new byte[64 * 1024];
        while (read(discard, 0, discard.length) >= 0) {
            // read() runs the checks when it reaches the end
        }
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] buffer, int offset, int length) throws IOException;
}
