package dev.pgvault.archive;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How the SQL stream is compressed. gzip (the default) keeps the seed runbook's {@code gunzip | psql}
 * working; zstd ({@code zstd -d | psql}) costs a fraction of gzip's CPU for a slightly smaller object.
 */
public enum Compression {
    GZIP("gzip", ".gz", 1, 9, 6),
    ZSTD("zstd", ".zst", 1, 19, 3);

    private static final int BUFFER = 1 << 16;
    private static final int PARALLEL_BLOCK = 1 << 20;
    private static final int ZSTD_JOB = 2 << 20;

    private final String id;
    private final String suffix;
    private final int minLevel;
    private final int maxLevel;
    private final int defaultLevel;

    Compression(String id, String suffix, int minLevel, int maxLevel, int defaultLevel) {
        this.id = id;
        this.suffix = suffix;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.defaultLevel = defaultLevel;
    }

    public String id() {
        return id;
    }

    /** The file name suffix after ".sql". */
    public String suffix() {
        return suffix;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    /** gzip 6 (as {@code gzip}'s own default), zstd 3 (as {@code zstd}'s). */
    public int defaultLevel() {
        return defaultLevel;
    }

    /** The level, checked: a clear error naming the algorithm's range when it is outside. */
    public int checkLevel(int level) {
        if (level < minLevel || level > maxLevel) {
            throw new IllegalArgumentException(id + " level must be " + minLevel + ".." + maxLevel + ", got " + level);
        }
        return level;
    }

    /** Compresses on the cores available to this process. */
    public OutputStream compress(OutputStream sink, int level) throws IOException {
        return compress(sink, level, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Compresses on {@code threads} threads besides the writer's when more than one: blocks of
     * gzip deflated in parallel (one gzip member all the same), zstd's own worker threads (one
     * frame). With one thread the caller's thread compresses.
     */
    public OutputStream compress(OutputStream sink, int level, int threads) throws IOException {
        checkLevel(level);
        return switch (this) {
            case GZIP -> threads > 1
                    ? new ParallelGzipOutputStream(sink, level, threads, PARALLEL_BLOCK)
                    : new GZIPOutputStream(sink, BUFFER) {
                        {
                            def.setLevel(level);
                        }
                    };
            case ZSTD -> {
                ZstdOutputStream zstd = new ZstdOutputStream(sink, level);
                zstd.setChecksum(true); // zstd -d checks the content checksum, as gunzip checks the CRC
                if (threads > 1) {
                    zstd.setWorkers(threads);
                    // 2 MiB jobs instead of the default (4 windows, 8 MiB at level 3): about 40 MB less
                    // native memory with two workers, the same speed, the same ratio within 0.3%.
                    zstd.setJobSize(ZSTD_JOB);
                }
                yield zstd;
            }
        };
    }

    /** Whether {@link #compress(OutputStream, int, int)} with these threads works beside the writer. */
    public static boolean compressesInBackground(int threads) {
        return threads > 1;
    }

    /** Reads every concatenated gzip member or zstd frame, as gunzip and zstd -d do. */
    public InputStream decompress(InputStream source) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPInputStream(source, BUFFER);
            case ZSTD -> new ZstdInputStream(source);
        };
    }

    public static Compression fromId(String id) {
        for (Compression c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compression '" + id + "'; known: "
                + Arrays.stream(values()).map(Compression::id).toList());
    }

    /** The compression whose suffix {@code name} ends with (after any encryption suffix was removed), if any. */
    public static Compression ofFileName(String name) {
        for (Compression c : values()) {
            if (name.endsWith(c.suffix)) {
                return c;
            }
        }
        return null;
    }
}
