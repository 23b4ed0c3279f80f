package dev.pgvault.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.crypto.Passphrase;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.run.Cancellation;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every verdict of the "How it is checked", against the real PostgreSQL, each time
 * asserting that no scratch database is left on the server.
 */
class VerificationServiceTest {
    // A manifest's snapshot time is the server's clock, not the service's: the days are around now.
    private static final Instant TUESDAY = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private static final Instant MONDAY = TUESDAY.minus(Duration.ofDays(1));
    /** Tuesday's verification, two hours after its backup: fresh. */
    private static final Instant TUESDAY_CHECK = TUESDAY.plus(Duration.ofHours(2));

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private DirectoryStore store;
    private DatabaseTarget scratchServer;

    @BeforeEach
    void setUp() throws Exception {
        store = new DirectoryStore(repo);
        scratchServer = DatabaseTarget.parseUrl(db.server().libpqUrl("postgres"), "the scratch server");
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 200);
        }
    }

    @AfterEach
    void noScratchDatabaseIsLeft() throws Exception {
        assertThat(scratchDatabases()).as("scratch databases left on the server").isEmpty();
    }

    private String backup(Instant at) {
        return backup(at, BackupKind.DAILY, Encryptors.none());
    }

    private String backup(Instant at, BackupKind kind, Encryptor encryptor) {
        return new BackupService(store, db::connect, BackupMetrics.NONE, Clock.fixed(at, ZoneOffset.UTC),
                DumpOptions.defaults(), TestSigning.key())
                .run(new BackupRequest(kind, "auth-db", Compression.GZIP, 6, encryptor, RunOwner.thisProcess(), false),
                        DumpProgress.NONE)
                .key();
    }

    private VerificationService service(Instant now) {
        return service(now, VerificationPolicy.defaults());
    }

    private VerificationService service(Instant now, VerificationPolicy policy) {
        return new VerificationService(store, TestSigning.trust(), Clock.fixed(now, ZoneOffset.UTC), policy);
    }

    private VerificationReport verifyLatest(Instant now) {
        return service(now).verify(VerificationRequest.latest("auth-db", scratchServer), Cancellation.none());
    }

    private VerificationReport verifyKey(String key, Instant now) {
        return service(now).verify(new VerificationRequest(key, null, scratchServer, null, null, null),
                Cancellation.none());
    }

    private List<String> scratchDatabases() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = db.server().connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'pgvault\\_verify\\_%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private VerificationRecord recordOf(String key) {
        return VerificationRecord.load(store, key).orElseThrow();
    }

    @Test
    void aGoodBackupIsOkWithItsRestoreTimeAndRpoAndIsRecorded() {
        String key = backup(TUESDAY);
        VerificationReport report = verifyLatest(TUESDAY_CHECK);

        assertThat(report.status()).isEqualTo(VerificationStatus.OK);
        assertThat(report.result().key()).isEqualTo(key);
        assertThat(report.result().details()).anyMatch(d -> d.contains("matched the manifest"));
        assertThat(report.restoreTime()).isNotNull();
        assertThat(report.bytesVerified()).isEqualTo(store.stat(key).orElseThrow().size());
        assertThat(report.newestGood()).isEqualTo(key);
        assertThat(report.fellBack()).isFalse();
        assertThat(report.rpo()).isBetween(Duration.ofMinutes(119), Duration.ofMinutes(121));
        assertThat(recordOf(key).status()).isEqualTo("OK");
        assertThat(recordOf(key).target()).startsWith(scratchServer.user() + "@127.0.0.1:")
                .contains("/pgvault_verify_").doesNotContain("password");
    }

    @Test
    void aFlippedByteIsAChecksumMismatchAndTheOlderBackupIsReportedAsTheNewestGoodOne() {
        String monday = backup(MONDAY);
        String tuesday = backup(TUESDAY);
        byte[] object = store.read(tuesday);
        object[object.length / 2] ^= 0x20;
        store.put(tuesday, object);

        VerificationReport report = verifyLatest(TUESDAY_CHECK);

        assertThat(report.status()).isEqualTo(VerificationStatus.CHECKSUM_MISMATCH);
        assertThat(report.result().key()).isEqualTo(tuesday);
        assertThat(report.result().details()).anyMatch(d -> d.contains("SHA-256"))
                .anyMatch(d -> d.contains("fell back") && d.contains(monday));
        assertThat(report.attempts()).extracting(VerificationResult::status)
                .containsExactly(VerificationStatus.CHECKSUM_MISMATCH, VerificationStatus.OK);
        assertThat(report.fellBack()).isTrue();
        assertThat(report.newestGood()).isEqualTo(monday);
        // Monday's snapshot was taken (on the server's clock) before Tuesday's: at least two hours ago.
        assertThat(report.rpo()).isBetween(Duration.ofMinutes(119), Duration.ofMinutes(125));
        assertThat(recordOf(tuesday).status()).isEqualTo("CHECKSUM_MISMATCH");
        assertThat(recordOf(monday).status()).isEqualTo("OK");
    }

    @Test
    void aTruncatedObjectIsAChecksumMismatchNamingTheSizes() {
        String key = backup(TUESDAY);
        byte[] object = store.read(key);
        store.put(key, java.util.Arrays.copyOf(object, object.length - 100));

        VerificationReport report = verifyKey(key, TUESDAY_CHECK);

        assertThat(report.status()).isEqualTo(VerificationStatus.CHECKSUM_MISMATCH);
        assertThat(report.result().details()).anyMatch(d -> d.contains("holds " + (object.length - 100) + " bytes"));
        assertThat(report.newestGood()).isNull();
        assertThat(report.rpo()).isNull();
    }

    @Test
    void aMissingManifestIsMissing() {
        String key = backup(TUESDAY);
        store.delete(Sidecar.MANIFEST.keyFor(key));

        VerificationReport report = verifyKey(key, TUESDAY_CHECK);

        assertThat(report.status()).isEqualTo(VerificationStatus.MISSING);
        assertThat(report.result().details()).anyMatch(d -> d.contains("no manifest"));
    }

    @Test
    void noBackupOfTheNameIsMissing() {
        VerificationReport report = verifyLatest(TUESDAY_CHECK);
        assertThat(report.status()).isEqualTo(VerificationStatus.MISSING);
        assertThat(report.result().details()).anyMatch(d -> d.contains("no complete backups named auth-db"));
    }

    @Test
    void countsAlteredInTheManifestBreakItsSignature() {
        String key = backup(TUESDAY);
        Manifest altered = withFirstTableRows(manifest(key), +1);
        store.put(Sidecar.MANIFEST.keyFor(key), ManifestCodec.encode(altered));

        VerificationReport report = verifyKey(key, TUESDAY_CHECK);

        assertThat(report.status()).isEqualTo(VerificationStatus.SIGNATURE_INVALID);
        assertThat(report.result().details()).anyMatch(d -> d.contains("signature does not verify"));
        assertThat(recordOf(key).status()).isEqualTo("SIGNATURE_INVALID");
    }

    @Test
    void anUnsignedManifestOrOneSignedByAnotherKeyIsASignatureFailure() {
        String key = backup(TUESDAY);
        byte[] signature = store.read(Sidecar.MANIFEST_SIGNATURE.keyFor(key));
        store.delete(Sidecar.MANIFEST_SIGNATURE.keyFor(key));

        VerificationReport unsigned = verifyKey(key, TUESDAY_CHECK);
        assertThat(unsigned.status()).isEqualTo(VerificationStatus.SIGNATURE_INVALID);
        assertThat(unsigned.result().details()).singleElement().asString().contains("is not signed");

        store.put(Sidecar.MANIFEST_SIGNATURE.keyFor(key), signature);
        VerificationReport stranger = new VerificationService(store, ManifestTrust.none(),
                Clock.fixed(TUESDAY_CHECK, ZoneOffset.UTC), VerificationPolicy.defaults())
                .verify(new VerificationRequest(key, null, scratchServer, null, null, null), Cancellation.none());
        assertThat(stranger.status()).isEqualTo(VerificationStatus.SIGNATURE_INVALID);
        assertThat(stranger.result().details()).singleElement().asString().contains("not among the keys");
    }

    @Test
    void countsAndHashesThatDifferFromASignedManifestAreAContentMismatchNamingTheTable() {
        String key = backup(TUESDAY);
        Manifest genuine = manifest(key);
        Manifest.Table first = genuine.tables().get(0);
        // As if the dump had recorded wrong figures (a bug), signed by the deployment's own key.
        resign(key, withFirstTableRows(genuine, +1));

        VerificationReport counts = verifyKey(key, TUESDAY_CHECK);

        assertThat(counts.status()).isEqualTo(VerificationStatus.CONTENT_MISMATCH);
        assertThat(counts.result().details()).containsExactly("table " + first.qualifiedName() + " has "
                + first.rows() + " rows, the backup " + (first.rows() + 1));

        List<Manifest.Table> tables = new ArrayList<>(genuine.tables());
        tables.set(0, new Manifest.Table(first.schema(), first.name(), first.rows(), "0".repeat(64)));
        resign(key, copy(genuine, genuine.storedBytes(), genuine.sha256(), tables));

        VerificationReport hashes = verifyKey(key, TUESDAY_CHECK);
        assertThat(hashes.status()).isEqualTo(VerificationStatus.CONTENT_MISMATCH);
        assertThat(hashes.result().details()).singleElement().asString()
                .contains(first.qualifiedName()).contains("different content");
    }

    @Test
    void theWrongKeyIsADecryptFailure() {
        Encryptor encryptor = Encryptors.openssl(Passphrase.of("the right one".toCharArray()), 1000);
        String key = backup(TUESDAY, BackupKind.DAILY, encryptor);

        VerificationReport report = service(TUESDAY_CHECK).verify(VerificationRequest.latest("auth-db", scratchServer)
                .withDecryptor(Decryptors.openssl(Passphrase.of("a wrong one".toCharArray()))), Cancellation.none());
        assertThat(report.status()).isEqualTo(VerificationStatus.DECRYPT_FAILED);
        assertThat(report.result().key()).isEqualTo(key);

        VerificationReport right = service(TUESDAY_CHECK).verify(VerificationRequest.latest("auth-db", scratchServer)
                .withDecryptor(Decryptors.openssl(Passphrase.of("the right one".toCharArray()))), Cancellation.none());
        assertThat(right.status()).isEqualTo(VerificationStatus.OK);
    }

    @Test
    void aFailingUserCheckIsCheckFailedNamingTheCheck() {
        db.execute("UPDATE users SET is_admin = false");
        backup(TUESDAY);
        UserChecks checks = UserChecks.parse("""
                {"checks": [
                  {"name": "there are users", "sql": "SELECT count(*) FROM users", "expect": {"min": 1}},
                  {"name": "users has at least one admin", "sql": "SELECT count(*) FROM users WHERE is_admin",
                   "expect": {"min": 1}},
                  {"name": "no refresh token expires before its creation",
                   "sql": "SELECT count(*) FROM refresh_tokens WHERE expires_at < issued_at", "expect": {"equals": 0}},
                  {"name": "a typo", "sql": "SELECT count(*) FROM no_such_table", "expect": {"equals": 0}}
                ]}""", "test");

        VerificationReport report = service(TUESDAY_CHECK).verify(VerificationRequest.latest("auth-db", scratchServer)
                .withChecks(checks), Cancellation.none());

        assertThat(report.status()).isEqualTo(VerificationStatus.CHECK_FAILED);
        assertThat(report.result().details()).hasSize(2);
        assertThat(report.result().details().get(0))
                .isEqualTo("check 'users has at least one admin' failed: expected >= 1, got 0");
        assertThat(report.result().details().get(1)).startsWith("check 'a typo' could not run:")
                .contains("no_such_table").contains("42P01");
    }

    @Test
    void passingUserChecksAreOk() {
        db.execute("UPDATE users SET is_admin = (id = 1)");
        backup(TUESDAY);
        UserChecks checks = UserChecks.parse("""
                {"checks": [
                  {"name": "users has at least one admin", "sql": "SELECT count(*) FROM users WHERE is_admin",
                   "expect": {"min": 1, "max": 1}},
                  {"name": "no orphans", "sql": "SELECT id FROM refresh_tokens WHERE user_id IS NULL",
                   "expect": {"empty": true}},
                  {"name": "admin", "sql": "SELECT is_admin FROM users WHERE id = 1", "expect": {"equals": true}}
                ]}""", "test");

        VerificationReport report = service(TUESDAY_CHECK).verify(VerificationRequest.latest("auth-db", scratchServer)
                .withChecks(checks), Cancellation.none());
        assertThat(report.status()).isEqualTo(VerificationStatus.OK);
        assertThat(report.result().details()).contains("3 user checks passed");
    }

    @Test
    void aStaleNewestDailyIsStaleThoughItRestores() {
        String key = backup(MONDAY);
        VerificationReport report = verifyLatest(TUESDAY.plus(Duration.ofHours(27)));

        assertThat(report.status()).isEqualTo(VerificationStatus.STALE);
        assertThat(report.result().details()).anyMatch(d -> d.startsWith("STALE") && d.contains(key)
                && d.contains("27.0 h ago"));
        assertThat(recordOf(key).status()).isEqualTo("OK"); // the backup itself restored
        assertThat(report.newestGood()).isEqualTo(key);

        assertThat(verifyLatest(TUESDAY.plus(Duration.ofHours(25))).status()).isEqualTo(VerificationStatus.OK);
    }

    @Test
    void aBackupLessThanHalfTheMedianOfThePreviousOnesIsSuspicious() {
        db.execute("INSERT INTO users (email, password_hash) SELECT 'u' || g || '@example.com', md5(g::text)"
                + " FROM generate_series(1, 3000) g");
        for (int day = 0; day < 4; day++) {
            backup(MONDAY.minus(Duration.ofDays(4 - day)));
        }
        db.execute("DELETE FROM refresh_tokens; DELETE FROM users WHERE id > 10");
        String small = backup(MONDAY);

        VerificationReport report = verifyLatest(TUESDAY_CHECK);

        assertThat(report.status()).isEqualTo(VerificationStatus.SUSPICIOUS_SIZE);
        assertThat(report.result().key()).isEqualTo(small);
        assertThat(report.result().details()).anyMatch(d -> d.startsWith("SUSPICIOUS_SIZE") && d.contains("median")
                && d.contains("4 backups before it"));
    }

    @Test
    void aRestoreThatFailsMidwayIsRestoreFailedAndLeavesNoScratchDatabase() throws Exception {
        String key = backup(TUESDAY);
        // A script whose data breaks a constraint only when the primary key is built, after the rows
        // were copied: signed by the deployment, checksums right, as a dumper bug would write it.
        String script = new String(Compression.GZIP.decompress(new java.io.ByteArrayInputStream(store.read(key)))
                .readAllBytes(), StandardCharsets.UTF_8);
        java.util.regex.Matcher users = java.util.regex.Pattern.compile("(?m)^COPY \"?public\"?\\.\"?users\"? ")
                .matcher(script);
        assertThat(users.find()).as("the users table's COPY").isTrue();
        int copy = users.start();
        int firstRow = script.indexOf('\n', copy) + 1;
        int secondRow = script.indexOf('\n', firstRow) + 1;
        String broken = script.substring(0, secondRow) + script.substring(firstRow, secondRow)
                + script.substring(secondRow);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = Compression.GZIP.compress(gz, 6)) {
            out.write(broken.getBytes(StandardCharsets.UTF_8));
        }
        replaceObject(key, gz.toByteArray());

        VerificationReport report = verifyKey(key, TUESDAY_CHECK);

        assertThat(report.status()).isEqualTo(VerificationStatus.RESTORE_FAILED);
        assertThat(report.result().details()).singleElement().asString().contains("users");
    }

    @Test
    void leftoversOfAKilledRunAreDroppedButNotThoseOfARunStillGoingOn() throws Exception {
        backup(TUESDAY);
        java.time.format.DateTimeFormatter stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(ZoneOffset.UTC);
        // three hours before the check: a killed run's
        db.server().createDatabase("pgvault_verify_" + stamp.format(TUESDAY_CHECK.minus(Duration.ofHours(3))) + "_0badcafe");
        // a minute before: another run's, still going on
        String recent = "pgvault_verify_" + stamp.format(TUESDAY_CHECK.minus(Duration.ofMinutes(1))) + "_00c0ffee";
        db.server().createDatabase(recent);
        try {
            assertThat(verifyLatest(TUESDAY_CHECK).status()).isEqualTo(VerificationStatus.OK);
            assertThat(scratchDatabases()).containsExactly(recent);
        } finally {
            db.server().dropDatabase(recent);
        }
    }

    @Test
    void aRunStoppedByTheWatchdogDropsItsScratchDatabase() throws Exception {
        backup(TUESDAY);
        UserChecks slow = UserChecks.parse("{\"checks\": [{\"name\": \"slow\", \"sql\": \"SELECT pg_sleep(30)\","
                + " \"expect\": {\"empty\": false}}]}", "test");
        Cancellation cancellation = new Cancellation();
        Thread watchdog = new Thread(() -> {
            try {
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < until && !sleeping()) {
                    Thread.sleep(20);
                }
            } catch (Exception ignored) {
                // cancel anyway
            }
            cancellation.cancel(Cancellation.Reason.TIMEOUT, "stopped before the deadline");
        });
        watchdog.start();
        long started = System.nanoTime();
        assertThatThrownBy(() -> service(TUESDAY_CHECK).verify(VerificationRequest.latest("auth-db", scratchServer)
                .withChecks(slow), cancellation)).isInstanceOf(RunCancelledException.class);
        watchdog.join();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
        assertThat(VerificationRecord.load(store, new dev.pgvault.repository.BackupCatalog(store).resolve("latest", "auth-db")))
                .as("a stopped run is not a verdict").isEmpty();
    }

    private boolean sleeping() throws Exception {
        try (Connection c = db.server().connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Test
    void aBackupTooLargeForTheTimeLeftGetsAnIntegrityOnlyPass() throws Exception {
        String key = backup(TUESDAY);
        VerificationPolicy slow = VerificationPolicy.defaults().withRestoreBytesPerSecond(1);
        VerificationRequest request = VerificationRequest.latest("auth-db", scratchServer)
                .withDeadline(TUESDAY_CHECK.plus(Duration.ofMinutes(15)));

        VerificationReport report = service(TUESDAY_CHECK, slow).verify(request, Cancellation.none());
        assertThat(report.status()).isEqualTo(VerificationStatus.INTEGRITY_ONLY);
        assertThat(report.result().details().get(0)).contains("pgvault verify");
        assertThat(report.result().details().get(1)).contains("statements parsed");
        assertThat(report.bytesVerified()).isEqualTo(store.stat(key).orElseThrow().size());
        assertThat(report.restoreTime()).isNull();

        byte[] object = store.read(key);
        object[object.length / 3] ^= 1;
        store.put(key, object);
        assertThat(service(TUESDAY_CHECK, slow).verify(request, Cancellation.none()).status())
                .isEqualTo(VerificationStatus.CHECKSUM_MISMATCH);
    }

    @Test
    void aPreviousFailureIsReportedSoThatASuccessIsARecovery() {
        String key = backup(TUESDAY);
        byte[] good = store.read(key);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        store.put(key, bad);
        assertThat(verifyLatest(TUESDAY_CHECK).previousFailure()).isNull();
        store.put(key, good);
        VerificationReport recovered = verifyLatest(TUESDAY_CHECK.plusSeconds(60));
        assertThat(recovered.status()).isEqualTo(VerificationStatus.OK);
        assertThat(recovered.previousFailure()).isEqualTo(VerificationStatus.CHECKSUM_MISMATCH);
    }

    // ---------------------------------------------------------------- manifest surgery

    private Manifest manifest(String key) {
        return ManifestCodec.decode(store.read(Sidecar.MANIFEST.keyFor(key)), key);
    }

    private static Manifest withFirstTableRows(Manifest m, long delta) {
        List<Manifest.Table> tables = new ArrayList<>(m.tables());
        Manifest.Table t = tables.get(0);
        tables.set(0, new Manifest.Table(t.schema(), t.name(), t.rows() + delta, t.contentHash()));
        return copy(m, m.storedBytes(), m.sha256(), tables);
    }

    private static Manifest copy(Manifest m, long storedBytes, String sha256, List<Manifest.Table> tables) {
        return new Manifest(m.formatVersion(), m.tool(), m.key(), m.kind(), m.backupName(), m.database(), m.source(),
                m.snapshotTime(), m.snapshotId(), m.startedAt(), m.finishedAt(), m.durationMillis(), m.rawBytes(),
                storedBytes, sha256, m.compression(), m.encryption(), m.contentHashAlgorithm(), tables,
                m.largeObjects(), m.signing(), m.globals(), m.relations());
    }

    private void resign(String key, Manifest manifest) {
        byte[] bytes = ManifestCodec.encode(manifest);
        store.put(Sidecar.MANIFEST_SIGNATURE.keyFor(key), TestSigning.key().sign(bytes));
        store.put(Sidecar.MANIFEST.keyFor(key), bytes);
    }

    private void replaceObject(String key, byte[] object) throws Exception {
        store.put(key, object);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(object));
        Manifest m = manifest(key);
        resign(key, copy(m, object.length, sha, m.tables()));
    }
}
