package dev.pgvault.bench;

import dev.pgvault.archive.crypto.DecryptingStream;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.EncryptingStream;
import dev.pgvault.archive.crypto.EncryptionParameters;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.crypto.Passphrase;
import dev.pgvault.testing.SqlLikeData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPApi;

/**
 * What encryption costs the backup stream: the same SQL-like data through the backup's transforms
 * (gzip, then the encryptor, then SHA-256 of the stored bytes into a null sink), once per mode, and
 * back through the restore's (decrypt, gunzip). Not a test: a main class printing figures.
 *
 * <p>Run from the repository root with any Java 21+ {@code java}:
 * <pre>
 * ./mvnw -q -pl functions test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
 * java -cp functions/target/test-classes:functions/target/classes:$(cat functions/target/bench.classpath) \
 *      dev.pgvault.bench.EncryptionBenchmark [megabytes, default 200] [rounds, default 3]
 * </pre>
 * Each figure is the best of the rounds (least disturbed by other load), in MB/s of SQL (10^6 bytes).
 * The openssl figures include PBKDF2 at the default 600,000 iterations, paid once per backup.
 */
public final class EncryptionBenchmark {
    private static final int WRITE_CHUNK = 64 * 1024;

    private EncryptionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long size = megabytes * 1_000_000;

        Passphrase passphrase = Passphrase.of("benchmark passphrase".toCharArray());
        OpenPGPKey key = new BcOpenPGPApi().generateKey(4).ed25519x25519Key("Benchmark <bench@example.org>").build();
        byte[] publicKey = key.toCertificate().getEncoded(PacketFormat.LEGACY);
        byte[] secretKey = key.getEncoded(PacketFormat.LEGACY);

        List<Mode> modes = List.of(
                new Mode("gzip only", Encryptors.none(), Decryptors.none()),
                new Mode("gzip + openssl", Encryptors.openssl(passphrase), Decryptors.openssl(passphrase)),
                new Mode("gzip + pgp", Encryptors.pgp(List.of(publicKey)), Decryptors.pgp(secretKey, null)));

        // Generated once, outside the timings: the figures are the transforms', not the generator's.
        byte[] sql = new SqlLikeData(size, 42).readAllBytes();
        System.out.printf(Locale.ROOT, "%d MB of SQL-like data, best of %d rounds, %d cores, %s %s%n",
                megabytes, rounds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        ByteArrayOutputStream gzipOutput = new ByteArrayOutputStream();
        backup(Encryptors.none(), sql, gzipOutput);
        byte[] gzipped = gzipOutput.toByteArray();
        List<double[]> results = new ArrayList<>();
        for (Mode mode : modes) {
            double bestBackup = Double.MAX_VALUE;
            double bestRestore = Double.MAX_VALUE;
            long storedBytes = 0;
            for (int round = 0; round < rounds; round++) {
                ByteArrayOutputStream stored = new ByteArrayOutputStream((int) (size / 3));
                long start = System.nanoTime();
                EncryptionParameters parameters = backup(mode.encryptor(), sql, stored);
                bestBackup = Math.min(bestBackup, seconds(start));
                storedBytes = stored.size();

                start = System.nanoTime();
                long restored = restore(mode.decryptor(), stored.toByteArray(), parameters);
                bestRestore = Math.min(bestRestore, seconds(start));
                if (restored != size) {
                    throw new IllegalStateException(mode.name() + " restored " + restored + " bytes of " + size);
                }
            }
            results.add(new double[] {bestBackup, bestRestore, storedBytes, encryptOnly(mode.encryptor(), gzipped, rounds)});
            System.out.printf(Locale.ROOT, "%-16s backup %6.2f s %7.1f MB/s | restore %6.2f s %7.1f MB/s | stored %6.1f MB%n",
                    mode.name(), bestBackup, megabytes / bestBackup, bestRestore, megabytes / bestRestore, storedBytes / 1e6);
        }
        for (int i = 1; i < modes.size(); i++) {
            double setup = encryptOnly(modes.get(i).encryptor(), new byte[0], rounds);
            System.out.printf(Locale.ROOT, "%-16s encryption alone on the gzip output: %6.3f s per object to set up "
                            + "(key derivation / session key), then %7.1f MB/s%n",
                    modes.get(i).name(), setup, gzipped.length / 1e6 / (results.get(i)[3] - setup));
        }
        double[] base = results.get(0);
        for (int i = 1; i < modes.size(); i++) {
            System.out.printf(Locale.ROOT, "%-16s backup time %+.1f%%, restore time %+.1f%% against gzip only%n",
                    modes.get(i).name(), 100 * (results.get(i)[0] / base[0] - 1), 100 * (results.get(i)[1] / base[1] - 1));
        }
    }

    private record Mode(String name, Encryptor encryptor, Decryptor decryptor) {
    }

    /** SQL -> gzip -> encryptor -> SHA-256 -> stored, as the backup pipeline chains them. */
    private static EncryptionParameters backup(Encryptor encryptor, byte[] sql, OutputStream stored) throws Exception {
        DigestOutputStream hashed = new DigestOutputStream(stored, MessageDigest.getInstance("SHA-256"));
        EncryptingStream encrypted = encryptor.encrypt(hashed);
        try (OutputStream gzip = new GZIPOutputStream(encrypted, WRITE_CHUNK)) {
            for (int offset = 0; offset < sql.length; offset += WRITE_CHUNK) {
                gzip.write(sql, offset, Math.min(WRITE_CHUNK, sql.length - offset));
            }
        }
        return encrypted.parameters();
    }

    /** Seconds to encrypt already-compressed bytes (best of the rounds): the encryptor's own speed. */
    private static double encryptOnly(Encryptor encryptor, byte[] gzipped, int rounds) throws IOException {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            try (EncryptingStream encrypted = encryptor.encrypt(OutputStream.nullOutputStream())) {
                for (int offset = 0; offset < gzipped.length; offset += WRITE_CHUNK) {
                    encrypted.write(gzipped, offset, Math.min(WRITE_CHUNK, gzipped.length - offset));
                }
            }
            best = Math.min(best, seconds(start));
        }
        return best;
    }

    /** stored -> decryptor -> gunzip -> counted, then the end-of-object checks, as a restore reads. */
    private static long restore(Decryptor decryptor, byte[] stored, EncryptionParameters parameters) throws IOException {
        long total = 0;
        try (DecryptingStream plaintext = decryptor.decrypt(new ByteArrayInputStream(stored), parameters);
             InputStream sql = new GZIPInputStream(plaintext, WRITE_CHUNK)) {
            byte[] chunk = new byte[WRITE_CHUNK];
            for (int n; (n = sql.read(chunk, 0, chunk.length)) >= 0; ) {
                total += n;
            }
            plaintext.verifyToEnd();
        }
        return total;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
