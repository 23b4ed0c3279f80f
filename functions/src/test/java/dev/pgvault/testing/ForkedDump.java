package dev.pgvault.testing;

import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.dump.DumpResult;
import dev.pgvault.dump.Dumper;
import dev.pgvault.restore.ScriptApplier;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dump or a restore in a JVM of its own, so a test can give it a small heap and read how
 * much it used: {@code dump <jdbc-url> <file> [keep-privileges]} or {@code restore <jdbc-url> <file>}.
 * Prints {@code peak-heap-bytes=N} (heap in use, sampled every few milliseconds: live objects
 * plus garbage not yet collected, so an upper bound of what the work needs),
 * {@code peak-live-heap-bytes=N} (the most left after any garbage collection: what it really
 * holds),
 * {@code max-heap-bytes=N}
 * and, after a dump, {@code table=<name> rows=<n> hash=<hex>} per table.
 */
public final class ForkedDump {
    private ForkedDump() {}

    public static void main(String[] args) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        AtomicLong live = new AtomicLong();
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(pool -> heapPools.contains(pool.getKey()))
                        .mapToLong(pool -> pool.getValue().getUsed()).sum();
                live.accumulateAndGet(after, Math::max);
            }, null, null);
        }
        String mode = args[0];
        Path file = Path.of(args[2]);
        try (Connection connection = DriverManager.getConnection(args[1])) {
            if (mode.equals("dump")) {
                DumpOptions options = DumpOptions.defaults().withOwnersAndPrivileges(
                        args.length > 3 && args[3].equals("keep-privileges"));
                DumpResult result;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    result = new Dumper(options).dump(connection, out, DumpProgress.NONE);
                }
                result.tables().forEach(t -> System.out.println("table=" + t.qualifiedName() + " rows=" + t.rows()
                        + " hash=" + t.contentHash()));
            } else {
                connection.setAutoCommit(false);
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    ScriptApplier.apply(in, connection, ScriptApplier.Progress.NONE);
                }
                connection.commit();
            }
        }
        sampler.interrupt();
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        System.out.println("peak-heap-bytes=" + peak.get());
        System.out.println("peak-live-heap-bytes=" + live.get());
        System.out.println("max-heap-bytes=" + memory.getHeapMemoryUsage().getMax());
    }
}
