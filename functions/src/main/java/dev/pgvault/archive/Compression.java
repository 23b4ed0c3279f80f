package dev.pgvault.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How the SQL stream is compressed. gzip keeps the seed runbook's `gunzip | psql` working. */
public enum Compression {
    GZIP("gzip", ".gz");

    public static final int DEFAULT_LEVEL = 6;
    private static final int BUFFER = 1 << 16;
    private static final int PARALLEL_BLOCK = 1 << 20;

    private final String id;
    private final String suffix;

    Compression(String id, String suffix) {
        this.id = id;
        this.suffix = suffix;
    }

    public String id() {
        return id;
    }

    /** The file name suffix after ".sql". */
    public String suffix() {
        return suffix;
    }

    /** On a machine with several cores, blocks are deflated in parallel (one gzip member all the same). */
    public OutputStream compress(OutputStream sink, int level) throws IOException {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level must be 1..9, got " + level);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores > 1) {
            return new ParallelGzipOutputStream(sink, level, cores, PARALLEL_BLOCK);
        }
        return new GZIPOutputStream(sink, BUFFER) {
            {
                def.setLevel(level);
            }
        };
    }

    /** Reads every concatenated gzip member, as gunzip does. */
    public InputStream decompress(InputStream source) throws IOException {
        return new GZIPInputStream(source, BUFFER);
    }

    public static Compression fromId(String id) {
        for (Compression c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown compression '" + id + "'");
    }
}
