package dev.pgvault.repository;

/**
 * Chooses multipart part sizes for an upload whose final size is not known in advance.
 *
 * <p>S3 allows at most 10,000 parts of 5 MiB to 5 GiB. Parts start at a size fitted to the
 * expected object size (so a typical backup has a few hundred parts) and double every 1,000
 * parts; with the 8 MiB floor, 10,000 parts hold about 8 TiB, beyond S3's 5 TiB object limit,
 * so the part limit is never the reason an upload fails. Memory use is one part per buffer,
 * independent of the database size up to that point.
 */
public final class PartSizing {
    public static final long MIN_PART = 8L << 20;
    public static final long MAX_PART = 5L << 30;
    public static final int MAX_PARTS = 10_000;
    static final int PARTS_PER_STEP = 1_000;

    private final long firstPartSize;

    private PartSizing(long firstPartSize) {
        this.firstPartSize = firstPartSize;
    }

    /** @param expectedSize the expected object size in bytes, or -1 when unknown */
    public static PartSizing forExpectedSize(long expectedSize) {
        long fitted = expectedSize <= 0 ? MIN_PART : ceilToMiB(expectedSize / 2_000);
        return new PartSizing(Math.min(MAX_PART, Math.max(MIN_PART, fitted)));
    }

    /** Size of the part with this 1-based number. */
    public long sizeOf(int partNumber) {
        if (partNumber < 1 || partNumber > MAX_PARTS) {
            throw new IllegalArgumentException("part number " + partNumber + " outside 1.." + MAX_PARTS);
        }
        int doublings = (partNumber - 1) / PARTS_PER_STEP;
        long size = firstPartSize;
        for (int i = 0; i < doublings && size < MAX_PART; i++) {
            size *= 2;
        }
        return Math.min(size, MAX_PART);
    }

    /** The largest object that fits in {@link #MAX_PARTS} parts. */
    public long capacity() {
        long total = 0;
        for (int part = 1; part <= MAX_PARTS; part += PARTS_PER_STEP) {
            total += sizeOf(part) * PARTS_PER_STEP;
        }
        return total;
    }

    private static long ceilToMiB(long bytes) {
        long mib = 1L << 20;
        return (bytes + mib - 1) / mib * mib;
    }
}
