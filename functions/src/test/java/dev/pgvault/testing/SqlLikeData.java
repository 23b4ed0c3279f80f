package dev.pgvault.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A deterministic stream of what a logical dump mostly is: {@code COPY} rows of ids, names, emails,
 * timestamps and numbers, tab-separated. Compresses about as well as real table data (roughly 4:1
 * with gzip), which matters when measuring compression and encryption. Generated on the fly, so
 * hundreds of megabytes cost no memory.
 */
public final class SqlLikeData extends InputStream {
    private static final String[] WORDS = {
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
        "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    };

    private final long size;
    private final SplittableRandom random;
    private long produced;
    private long row;
    private byte[] line = new byte[0];
    private int lineOffset;

    public SqlLikeData(long size, long seed) {
        this.size = size;
        this.random = new SplittableRandom(seed);
        line = "COPY public.accounts (id, name, email, created_at, balance, note) FROM stdin;\n"
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** All of it in memory: for tests of a few megabytes. */
    public static byte[] bytes(int size, long seed) {
        return new SqlLikeData(size, seed).readAllBytesUnchecked();
    }

    private byte[] readAllBytesUnchecked() {
        try {
            return readAllBytes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (produced >= size) {
            return -1;
        }
        int total = 0;
        while (total < length && produced < size) {
            if (lineOffset == line.length) {
                nextLine();
            }
            int n = (int) Math.min(Math.min(length - total, line.length - lineOffset), size - produced);
            System.arraycopy(line, lineOffset, buffer, offset + total, n);
            lineOffset += n;
            total += n;
            produced += n;
        }
        return total;
    }

    private void nextLine() {
        row++;
        String first = WORDS[random.nextInt(WORDS.length)];
        String last = WORDS[random.nextInt(WORDS.length)];
        String text = row + "\t" + first + " " + last + "\t" + first + "." + last + random.nextInt(10_000)
                + "@example.org\t2026-" + (1 + random.nextInt(12)) + "-" + (1 + random.nextInt(28)) + " "
                + random.nextInt(24) + ":" + random.nextInt(60) + ":" + random.nextInt(60) + "+00\t"
                + random.nextInt(1_000_000) + "." + random.nextInt(100) + "\t"
                + (random.nextInt(4) == 0 ? "\\N" : WORDS[random.nextInt(WORDS.length)] + " " + Long.toHexString(random.nextLong()))
                + "\n";
        line = text.getBytes(StandardCharsets.US_ASCII);
        lineOffset = 0;
    }
}
