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
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A dump or a restore in a JVM of its own, so a test can give it a small heap and read how
 * much it used: {@code dump <jdbc-url> <file> [keep-privileges]} or {@code restore <jdbc-url> <file>}.
 * Prints one line {@code peak-heap-bytes=N} (the sum of the heap pools' peaks) and, after a
 * dump, {@code table=<name> rows=<n> hash=<hex>} per table.
 */
public final class ForkedDump {
    private ForkedDump() {}

    public static void main(String[] args) throws Exception {
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
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("peak-heap-bytes=" + peak);
    }
}
