package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.StoredObject;
import dev.pgvault.verify.VerificationRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Applying a plan to a store: deletes only as planned (object, signature, manifest, verification
 * record), tags as planned where the store has tags, a second run changes nothing, an interrupted
 * delete is finished by the next run, other names and interrupted backups are never touched. Run
 * against a directory, S3Mock and moto_server (with Object Lock).
 */
abstract class TieringContract {
    static final RetentionPolicy POLICY = new RetentionPolicy(30, 13, 12, 7, 7, 1.0);
    /** Backups are dated back from today: stores with Object Lock count retention from the real clock. */
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    static final Instant NOW = TODAY.atTime(6, 0).toInstant(ZoneOffset.UTC);

    abstract BackupStore store();

    /** Whether the store keeps tags (S3), so tiers can be checked. */
    abstract boolean hasTags();

    static String backup(BackupStore store, String name, LocalDate day) {
        String key = new BackupKey(BackupKind.DAILY, name, day.atStartOfDay(), ".sql.gz").key();
        store.put(key, ("dump of " + day).getBytes(StandardCharsets.UTF_8));
        store.put(Sidecar.MANIFEST_SIGNATURE.keyFor(key), new byte[] {1});
        store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes(StandardCharsets.UTF_8));
        return key;
    }

    /** Forty-five days of auth-db dailies up to today, the one 40 days ago verified. */
    static List<String> fortyFiveDays(BackupStore store) {
        List<String> keys = new java.util.ArrayList<>();
        for (int age = 44; age >= 0; age--) {
            keys.add(backup(store, "auth-db", TODAY.minusDays(age)));
        }
        new VerificationRecord(keys.get(4), "OK", NOW.minus(40, ChronoUnit.DAYS), 10, "scratch", List.of()).save(store);
        return keys;
    }

    static Set<String> keys(BackupStore store) {
        return store.list("").stream().map(StoredObject::key).collect(Collectors.toSet());
    }

    @Test
    void deletesExactlyWhatThePlanDeletesAndASecondRunChangesNothing() {
        BackupStore store = store();
        List<String> all = fortyFiveDays(store);
        TieringService tiering = new TieringService(store);

        TieringReport first = tiering.run("auth-db", POLICY, NOW, false);

        Set<String> planned = first.plan().deletions().stream().map(Decision::key).collect(Collectors.toSet());
        assertThat(planned).isNotEmpty().doesNotContain(all.get(4)); // verified: newest verified floor
        Set<String> left = keys(store);
        for (String key : all) {
            boolean deleted = planned.contains(key);
            assertThat(left.contains(key)).as(key).isEqualTo(!deleted);
            assertThat(left.contains(Sidecar.MANIFEST.keyFor(key))).as("manifest of " + key).isEqualTo(!deleted);
            assertThat(left.contains(Sidecar.MANIFEST_SIGNATURE.keyFor(key))).isEqualTo(!deleted);
        }
        assertThat(first.count(Applied.What.DELETED)).isEqualTo(planned.size());
        if (hasTags()) {
            for (Decision decision : first.plan().kept()) {
                assertThat(store.objectStates().orElseThrow().state(decision.key()).orElseThrow().tags())
                        .as(decision.key()).containsEntry(StorageTier.TAG, decision.tier().s3Name())
                        .containsEntry(TieringService.SINCE_TAG, TODAY.toString());
            }
            assertThat(first.tagged()).isEqualTo(first.plan().kept().size());
        }

        TieringReport second = tiering.run("auth-db", POLICY, NOW, false);
        assertThat(second.changedAnything()).as("second run the same day").isFalse();
        assertThat(second.plan().deletions()).isEmpty();
        assertThat(keys(store)).isEqualTo(left);
    }

    @Test
    void otherNamesInterruptedRunsAndLeasesAreNeverTouched() {
        BackupStore store = store();
        fortyFiveDays(store);
        String stranger = backup(store, "billing", TODAY.minusDays(400));
        String interrupted = new BackupKey(BackupKind.DAILY, "auth-db", TODAY.minusDays(60).atStartOfDay(), ".sql.gz").key();
        store.put(interrupted, new byte[] {9}); // no manifest: not a backup
        String lease = Sidecar.LOCK.keyFor(new BackupKey(BackupKind.DAILY, "auth-db", TODAY.minusDays(90).atStartOfDay(),
                ".sql.gz").key());
        store.put(lease, new byte[] {1}); // a lease without its object: a run starting; not an orphan

        new TieringService(store).run("auth-db", POLICY, NOW, false);

        assertThat(keys(store)).contains(stranger, Sidecar.MANIFEST.keyFor(stranger), interrupted, lease);
    }

    @Test
    void aDeleteInterruptedAfterTheObjectIsFinishedByTheNextRun() {
        BackupStore store = store();
        List<String> all = fortyFiveDays(store);
        RetentionPlan plan = new TieringService(store).run("auth-db", POLICY, NOW, true).plan();
        String victim = plan.deletions().get(0).key();
        store.delete(victim); // the run died here: sidecars left
        if (store.objectStates().isPresent()) {
            store.objectStates().get().deleteAllVersions(victim, NOW);
        }

        TieringReport next = new TieringService(store).run("auth-db", POLICY, NOW, false);

        assertThat(next.orphansRemoved()).contains(Sidecar.MANIFEST.keyFor(victim), Sidecar.MANIFEST_SIGNATURE.keyFor(victim));
        assertThat(keys(store)).noneMatch(k -> k.startsWith(victim));
        assertThat(all).contains(victim);
    }

    @Test
    void aStoppedRunLeavesEachBackupDoneOrUntouchedAndTheNextFinishes() {
        BackupStore store = store();
        fortyFiveDays(store);
        Set<String> before = keys(store);
        dev.pgvault.run.Cancellation stopped = new dev.pgvault.run.Cancellation();
        stopped.cancel(dev.pgvault.run.Cancellation.Reason.TIMEOUT, "the watchdog");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TieringService(store).run("auth-db", POLICY, NOW,
                false, stopped)).isInstanceOf(dev.pgvault.errors.RunCancelledException.class);
        assertThat(keys(store)).isEqualTo(before);

        TieringReport next = new TieringService(store).run("auth-db", POLICY, NOW, false);
        assertThat(next.count(Applied.What.DELETED)).isEqualTo(next.plan().deletions().size()).isPositive();
    }

    @Test
    void aDryRunChangesNothing() {
        BackupStore store = store();
        fortyFiveDays(store);
        Set<String> before = keys(store);

        TieringReport report = new TieringService(store).run("auth-db", POLICY, NOW.plus(3650, ChronoUnit.DAYS), true);

        assertThat(report.plan().deletions()).isNotEmpty();
        assertThat(report.changedAnything()).isFalse();
        assertThat(keys(store)).isEqualTo(before);
        if (hasTags()) {
            assertThat(store.objectStates().orElseThrow().state(report.plan().kept().get(0).key()).orElseThrow().tags())
                    .doesNotContainKey(StorageTier.TAG);
        }
    }
}
