package dev.pgvault.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest extends BackupStoreContract implements BackupCatalogContract, ConditionalRaceContract {
    @TempDir
    Path dir;

    @Override
    public BackupStore store() {
        return new DirectoryStore(dir);
    }

    @Test
    void layoutOnDiskIsTheKeyPath() {
        store().put("daily/auth-db-backup-2026-11-24.sql.gz", new byte[] {1, 2});
        assertThat(dir.resolve("daily/auth-db-backup-2026-11-24.sql.gz")).exists().hasBinaryContent(new byte[] {1, 2});
    }

    @Test
    void abortedWritesLeaveNoTempFiles() throws Exception {
        BackupStore store = store();
        store.put("daily/other", new byte[1]); // takes the lock: the lock file stays, partial files do not
        try (PendingObject pending = store.create("daily/x", -1)) {
            pending.write(new byte[1000]);
        }
        try (var files = Files.list(dir.resolve(DirectoryStore.TEMP_DIRECTORY))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(DirectoryStore.LOCK_FILE);
        }
    }

    @Test
    void aPartialFileNamesItsKeyAndStartTime() throws Exception {
        try (PendingObject pending = store().create("manual/auth-db-manual-2026-11-24-101530.sql.gz", -1)) {
            pending.write(1);
            try (var files = Files.list(dir.resolve(DirectoryStore.TEMP_DIRECTORY))) {
                assertThat(files.map(f -> f.getFileName().toString())).singleElement().asString()
                        .matches("\\d+-[0-9a-f]{8}-manual%2Fauth-db-manual-2026-11-24-101530\\.sql\\.gz\\.partial");
            }
        }
    }

    @Test
    void versionTagsAreContentHashesThatSurviveANewStoreInstance() {
        String etag = store().putIfAbsent("daily/x.lock", "lease".getBytes(UTF_8)).orElseThrow();
        // Another process (a new instance) sees the same tag and can replace what it read.
        DirectoryStore other = new DirectoryStore(dir);
        assertThat(other.readVersioned("daily/x.lock").orElseThrow().etag()).isEqualTo(etag);
        assertThat(other.replaceIfMatch("daily/x.lock", "renewed".getBytes(UTF_8), etag)).isPresent();
    }

    /**
     * Processes, not threads: two CLI runs on one directory. Each child JVM waits for "go" and
     * then tries putIfAbsent on the same key; exactly one may win.
     */
    @Test
    void ofProcessesRacingPutIfAbsentExactlyOneWins() throws Exception {
        int processes = 4;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> children = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        PutIfAbsentProcess.class.getName(), dir.toString(), "daily/race.lock", "process " + i)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            List<BufferedReader> outputs = new ArrayList<>();
            for (Process child : children) {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
                assertThat(out.readLine()).isEqualTo("ready");
                outputs.add(out);
            }
            for (Process child : children) {
                OutputStream in = child.getOutputStream();
                in.write("go\n".getBytes(UTF_8));
                in.flush();
            }
            List<String> results = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                results.add(outputs.get(i).readLine());
                assertThat(children.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(results).filteredOn(r -> r.startsWith("won")).hasSize(1);
            assertThat(results).filteredOn(r -> r.equals("lost")).hasSize(processes - 1);
            String winner = results.stream().filter(r -> r.startsWith("won")).findFirst().orElseThrow();
            assertThat(new String(store().read("daily/race.lock"), UTF_8)).isEqualTo(winner.substring("won ".length()));
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }

    /** The child of {@link #ofProcessesRacingPutIfAbsentExactlyOneWins}. */
    static final class PutIfAbsentProcess {
        public static void main(String[] args) throws Exception {
            DirectoryStore store = new DirectoryStore(Path.of(args[0]));
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, UTF_8)).readLine();
            boolean won = store.putIfAbsent(args[1], args[2].getBytes(UTF_8)).isPresent();
            System.out.println(won ? "won " + args[2] : "lost");
            System.out.flush();
        }
    }
}
