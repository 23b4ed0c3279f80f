package dev.pgvault.archive;

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

    private final MessageDigest sha256;
    private final long[] sum = new long[4]; // little-endian 64-bit limbs
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
        byte[] digest = sha256.digest();
        long carry = 0;
        for (int limb = 0; limb < 4; limb++) {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (digest[(3 - limb) * 8 + i] & 0xFF);
            }
            long before = sum[limb];
            long after = before + value + carry;
            // unsigned overflow detection
            carry = (Long.compareUnsigned(after, before) < 0 || (carry == 1 && after == before)) ? 1 : 0;
            sum[limb] = after;
        }
        rows++;
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
