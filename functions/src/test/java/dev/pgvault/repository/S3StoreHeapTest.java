package dev.pgvault.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.SharedS3;
import java.io.IOException;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Memory stays flat whatever the database's size: an upload announced as 1 TB runs in a JVM with
 * a 96 MiB heap. (Parts used to be sized from the expected size: about 525 MiB for 1 TB, one part
 * buffer alone over five times that heap.) The upload runs in a child JVM against the S3 test
 * server. Measured with moto as the server: 8 MiB parts leave 56 MiB live after GC and need
 * -Xmx64m; parts at the 32 MiB cap leave 120 MiB and need about -Xmx160m.
 */
class S3StoreHeapTest {
    private static final long TERABYTE = 1L << 40;
    private static final int MEGABYTES = 48;

    @Test
    void anUploadExpectingATerabyteFitsInA96MiBHeap() throws Exception {
        String bucket = SharedS3.newBucket();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                Upload.class.getName(), SharedS3.endpoint().toString(), bucket, Integer.toString(MEGABYTES))
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("stored " + ((long) MEGABYTES << 20) + " bytes");
        try (S3Client s3 = SharedS3.client()) {
            assertThat(s3.headObject(b -> b.bucket(bucket).key("daily/auth-db-backup-2026-11-24.sql.gz"))
                    .contentLength()).isEqualTo((long) MEGABYTES << 20);
        }
    }

    /** The child: streams {@code args[2]} MiB (six parts and more) into a store told to expect a terabyte. */
    static final class Upload {
        public static void main(String[] args) throws IOException {
            byte[] chunk = new byte[1 << 20];
            new Random(1).nextBytes(chunk);
            try (S3Client s3 = SharedS3.client(URI.create(args[0]))) {
                S3Store store = new S3Store(s3, args[1], "");
                try (PendingObject pending = store.create("daily/auth-db-backup-2026-11-24.sql.gz", TERABYTE)) {
                    for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                        pending.write(chunk);
                    }
                    System.out.println("stored " + pending.commit().size() + " bytes");
                }
            }
        }
    }
}
