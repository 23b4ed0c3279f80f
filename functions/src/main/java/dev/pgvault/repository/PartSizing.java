package dev.pgvault.repository;

import dev.pgvault.errors.ObjectTooLargeException;

/**
 * Chooses multipart part sizes for an upload whose final size is not known in advance, so that
 * memory stays flat whatever the database's size.
 *
 * <p>Parts start at 8 MiB and double every 1,000 parts up to a cap of 32 MiB. The S3 store holds
 * at most three part buffers at once (one filling, two uploading), so an upload never holds more
 * than 3 x 32 MiB = 96 MiB of parts, inside the 256 MB a backup may use; the expected size of
 * the database does not enter. (It used to: parts fitted to 1 TB were about 500 MiB, three of
 * them 1.5 GB of heap.) Small backups keep small parts, so a typical one has tens to hundreds.
 *
 * <p>The price is a ceiling: 10,000 parts hold 1,000 x 8 + 1,000 x 16 + 8,000 x 32 MiB, about
 * 273 GiB of stored (compressed, maybe encrypted) backup; a plain-SQL dump compresses several
 * times over, so that is a database of roughly a terabyte. Beyond it the upload fails with
 * {@link ObjectTooLargeException} rather than letting memory grow; a larger cap is a decision to
 * take together with the memory it costs.
 */
public final class PartSizing {
    public static final long FIRST_PART = 8L << 20;
    public static final long MAX_PART = 32L << 20;
    public static final int MAX_PARTS = 10_000;
    static final int PARTS_PER_STEP = 1_000;

    private static final PartSizing STANDARD = new PartSizing(FIRST_PART, MAX_PART, MAX_PARTS);

    private final long firstPart;
    private final long maxPart;
    private final int maxParts;

    PartSizing(long firstPart, long maxPart, int maxParts) {
        this.firstPart = firstPart;
        this.maxPart = maxPart;
        this.maxParts = maxParts;
    }

    /** The full-size sizing (parts up to 32 MiB): the same whatever the expected size. */
    public static PartSizing standard() {
        return STANDARD;
    }

    /** The sizing for this process: its heap limit, set from the container's memory, caps the parts. */
    public static PartSizing forThisProcess() {
        return forHeap(Runtime.getRuntime().maxMemory());
    }

    /**
     * Parts capped so that the three buffers an upload holds take at most 3/5 of {@code maxHeap}
     * (the dump, compression and the SDK need the rest): a power of two from 8 to 32 MiB. The
     * launcher's and the Lambda's 128 MiB heap (what keeps their RSS under 256 MB) gets 16 MiB
     * parts, so a smaller ceiling ({@link #capacity()}: about 148 GiB stored), never more memory;
     * a heap of 160 MiB or more keeps 32 MiB parts.
     */
    public static PartSizing forHeap(long maxHeap) {
        long cap = FIRST_PART;
        while (cap * 2 <= MAX_PART && cap * 2 * 5 <= maxHeap) {
            cap *= 2;
        }
        return cap == MAX_PART ? STANDARD : new PartSizing(FIRST_PART, cap, MAX_PARTS);
    }

    /** The largest part this sizing uses. */
    public long maxPart() {
        return maxPart;
    }

    public int maxParts() {
        return maxParts;
    }

    /** Size of the part with this 1-based number. */
    public long sizeOf(int partNumber) {
        if (partNumber < 1 || partNumber > maxParts) {
            throw new IllegalArgumentException("part number " + partNumber + " outside 1.." + maxParts);
        }
        int doublings = (partNumber - 1) / PARTS_PER_STEP;
        long size = firstPart;
        for (int i = 0; i < doublings && size < maxPart; i++) {
            size *= 2;
        }
        return Math.min(size, maxPart);
    }

    /** The largest object that fits in {@link #maxParts()} parts. */
    public long capacity() {
        long total = 0;
        for (int part = 1; part <= maxParts; part++) {
            total += sizeOf(part);
        }
        return total;
    }

    /** The named failure when an object needs more parts than allowed. */
    ObjectTooLargeException limitReached(String key, String location) {
        return new ObjectTooLargeException(key + " in " + location + " is larger than one upload can hold: "
                + maxParts + " parts of at most " + (maxPart >> 20) + " MiB, " + String.format("%.1f GiB",
                capacity() / (double) (1L << 30)) + " in all; nothing was stored (see PartSizing for why the part"
                + " size is capped)");
    }
}
