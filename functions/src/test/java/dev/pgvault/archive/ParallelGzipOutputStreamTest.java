package dev.pgvault.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.PgTools;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 10 * BLOCK + 12345})
    void gunzipReadsItBackExactly(int size) throws Exception {
        byte[] input = sqlLike(size);
        byte[] compressed = parallel(input, 6, 3);

        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed))) {
            assertThat(in.readAllBytes()).isEqualTo(input);
        }
        Path file = dir.resolve("x.gz");
        Files.write(file, compressed);
        PgTools.Result gunzip = PgTools.run(List.of("bash", "-c", "gunzip -t '" + file + "' && gunzip -c '" + file
                + "' | sha256sum"));
        assertThat(gunzip.exitCode()).as(gunzip.stderr()).isZero();
        assertThat(gunzip.stdout().split(" ")[0]).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(input)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6, 9})
    void ratioMatchesPlainGzip(int level) throws Exception {
        byte[] input = sqlLike(40 * BLOCK);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(plain) {
            {
                def.setLevel(level);
            }
        }) {
            gzip.write(input);
        }
        int parallelSize = parallel(input, level, 2).length;
        assertThat((double) parallelSize / plain.size()).isLessThan(1.01);
    }

    @ParameterizedTest
    @ValueSource(ints = {3 * BLOCK})
    void incompressibleDataStillRoundTrips(int size) throws Exception {
        byte[] input = new byte[size];
        new Random(7).nextBytes(input);
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(parallel(input, 9, 4)))) {
            assertThat(in.readAllBytes()).isEqualTo(input);
        }
    }

    private static byte[] parallel(byte[] input, int level, int threads) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzipOutputStream gzip = new ParallelGzipOutputStream(out, level, threads, BLOCK)) {
            Random random = new Random(input.length);
            int off = 0;
            while (off < input.length) {
                int n = Math.min(input.length - off, 1 + random.nextInt(20_000));
                gzip.write(input, off, n);
                off += n;
            }
        }
        return out.toByteArray();
    }

    private static byte[] sqlLike(int size) {
        StringBuilder text = new StringBuilder(size + 200);
        Random random = new Random(size);
        int row = 0;
        while (text.length() < size) {
            text.append(row++).append('\t').append("user").append(random.nextInt(100_000)).append("@example.com\t")
                    .append(Long.toHexString(random.nextLong())).append("\t2026-11-").append(1 + random.nextInt(28))
                    .append(" 12:").append(10 + random.nextInt(50)).append(":00+00\n");
        }
        return text.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }
}
