package dev.pgvault.archive;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An order-independent fingerprint of a table's rows: the SHA-256 of each row's COPY text,
 * summed modulo 2^256. Unlike XOR, a sum does not cancel duplicate rows, so two tables hash
 * equal exactly when they hold the same multiset of rows (up to SHA-256 collisions).
 * Physical row order changes after a restore; this hash does not.
 */
public final class ContentHash {
    /** Recorded in the manifest so a later algorithm can be told apart. */
    public static final String ALGORITHM = "sha256-row-sum-v1";

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final MessageDigest sha256;
    private final long[] sum = new long[4]; // little-endian 64-bit limbs
    private final byte[] digest = new byte[32]; // reused: a row's digest is not kept
    private long rows;

    public ContentHash() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds one row, given as the bytes COPY TO produced for it (including the newline). */
    public void addRow(byte[] row, int offset, int length) {
        sha256.update(row, offset, length);
        try {
            sha256.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        long carry = 0;
        for (int limb = 0; limb < 4; limb++) {
            long value = (long) BIG_ENDIAN_LONG.get(digest, (3 - limb) * 8);
            long before = sum[limb];
            long after = before + value + carry;
            // unsigned overflow detection
            carry = (Long.compareUnsigned(after, before) < 0 || (carry == 1 && after == before)) ? 1 : 0;
            sum[limb] = after;
        }
        rows++;
    }

    /**
     * Adds another part's rows, as if they had been added here: the sum does not depend on order,
     * so a table read in several ranges (or by several workers) hashes as if read in one go.
     */
    public void add(ContentHash other) {
        long carry = 0;
        for (int limb = 0; limb < 4; limb++) {
            long before = sum[limb];
            long after = before + other.sum[limb] + carry;
            carry = (Long.compareUnsigned(after, before) < 0 || (carry == 1 && after == before)) ? 1 : 0;
            sum[limb] = after;
        }
        rows += other.rows;
    }

    public long rows() {
        return rows;
    }

    /** 64 hex digits, most significant first. */
    public String hex() {
        StringBuilder out = new StringBuilder(64);
        HexFormat hex = HexFormat.of();
        for (int limb = 3; limb >= 0; limb--) {
            out.append(hex.toHexDigits(sum[limb]));
        }
        return out.toString();
    }
}
