package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.ArtifactKey.Form;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Applying the config and code plans to a store: exactly the planned files go, each with its
 * manifest, signature and lock leftover; incomplete uploads, database backups, other series and
 * kept files stay; a dry run and a second run change nothing. Dated back from today, as
 * {@link TieringContract}, for stores that count Object Lock from the real clock.
 */
abstract class ArtifactRetentionContract {
    static final ArtifactPolicies POLICIES = new ArtifactPolicies(30, 13, 7, 1.0);

    abstract BackupStore store();

    static String artifact(BackupStore store, Form form, String name, int age, boolean complete) {
        String key = new ArtifactKey(form, name, TieringContract.TODAY.minusDays(age), ".enc").key();
        store.put(key, ("file of " + age).getBytes(StandardCharsets.UTF_8));
        if (complete) {
            store.put(Sidecar.MANIFEST_SIGNATURE.keyFor(key), new byte[] {1});
            store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes(StandardCharsets.UTF_8));
        }
        return key;
    }

    /** 45 days of shopping-app config: the 15 oldest are outside the 30-day window. */
    static List<String> fortyFiveDays(BackupStore store) {
        List<String> keys = new java.util.ArrayList<>();
        for (int age = 44; age >= 0; age--) {
            keys.add(artifact(store, Form.NAMESPACE, "shopping-app", age, true));
        }
        return keys;
    }

    @Test
    void deletesThePlannedFilesWithTheirSidecarsAndNothingElse() {
        BackupStore store = store();
        List<String> config = fortyFiveDays(store);
        store.put(Sidecar.LOCK.keyFor(config.get(0)), "{}".getBytes(StandardCharsets.UTF_8)); // left by a dead upload
        String incomplete = artifact(store, Form.NAMESPACE, "shopping-app", 60, false);
        String database = TieringContract.backup(store, "auth-db", TieringContract.TODAY.minusDays(400));
        String tarball = artifact(store, Form.CODE_TARBALL, "auth-service", 50, true);
        String bundle = artifact(store, Form.CODE_BUNDLE, "auth-service", 50, true);
        Set<String> before = TieringContract.keys(store);

        List<TieringReport> dry = new ArtifactRetention(store).run(POLICIES, TieringContract.NOW, true, Cancellation.none());
        assertThat(TieringContract.keys(store)).isEqualTo(before);
        assertThat(dry).extracting(r -> r.plan().backupName()).containsExactly(
                "config/shopping-app-config-*.yaml.gz", "code/auth-service-*.bundle", "code/auth-service-*.tar.gz");

        List<TieringReport> reports = new ArtifactRetention(store).run(POLICIES, TieringContract.NOW, false,
                Cancellation.none());

        TieringReport ofConfig = reports.get(0);
        assertThat(ofConfig.plan().deletions()).extracting(Decision::key).containsExactlyElementsOf(config.subList(0, 15));
        assertThat(ofConfig.count(Applied.What.DELETED)).isEqualTo(15);
        Set<String> gone = new HashSet<>();
        for (String key : config.subList(0, 15)) {
            gone.addAll(List.of(key, Sidecar.MANIFEST.keyFor(key), Sidecar.MANIFEST_SIGNATURE.keyFor(key)));
        }
        gone.add(Sidecar.LOCK.keyFor(config.get(0)));
        Set<String> expected = new HashSet<>(before);
        expected.removeAll(gone);
        assertThat(TieringContract.keys(store)).isEqualTo(expected)
                .contains(incomplete, database, tarball, bundle, config.get(15), config.get(44));
        // One file per code series: it is the newest, never deleted.
        assertThat(reports.subList(1, 3)).allMatch(r -> r.plan().deletions().isEmpty());

        List<TieringReport> again = new ArtifactRetention(store).run(POLICIES, TieringContract.NOW, false,
                Cancellation.none());
        assertThat(again).allMatch(r -> !r.changedAnything());
        assertThat(TieringContract.keys(store)).isEqualTo(expected);
    }

    @Test
    void theShareLimitLeavesEveryFile() {
        BackupStore store = store();
        fortyFiveDays(store);
        Set<String> before = TieringContract.keys(store);

        List<TieringReport> reports = new ArtifactRetention(store).run(new ArtifactPolicies(30, 13, 7, 0.2),
                TieringContract.NOW, false, Cancellation.none());

        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.plan().refused()).isTrue();
            assertThat(r.count(Applied.What.DELETED)).isZero();
        });
        assertThat(TieringContract.keys(store)).isEqualTo(before);
    }
}
