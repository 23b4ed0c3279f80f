package dev.pgvault.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.opentest4j.AssertionFailedError;

/** Compares two fingerprints and fails naming only the entries that differ. */
public final class Fingerprints {
    private Fingerprints() {}

    public static void assertSame(Map<String, String> actual, Map<String, String> expected, String what) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            String want = expected.get(key);
            String got = actual.get(key);
            if (!Objects.equals(want, got)) {
                differences.add(key + "\n    source:   " + want + "\n    restored: " + got);
            }
        }
        if (!differences.isEmpty()) {
            throw new AssertionFailedError(what + ": " + differences.size() + " of " + keys.size()
                    + " entries differ\n  " + String.join("\n  ", differences));
        }
    }
}
