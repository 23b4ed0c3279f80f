package dev.pgvault.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What applying a backed-up object would change in the object the cluster has. Only what the
 * backup says counts: fields the cluster added (defaults, allocated addresses) are not a
 * difference, since a restore never deletes what the backup lacks. A Secret's values are never
 * shown, only which keys differ.
 */
public final class ObjectDiff {
    private ObjectDiff() {
    }

    /** Differences as lines "path: existing -> backup"; empty when applying would change nothing. */
    public static List<String> between(Map<String, Object> backup, Map<String, Object> existing) {
        List<String> lines = new ArrayList<>();
        boolean secret = "Secret".equals(backup.get("kind"));
        compare("", backup, existing, secret, lines);
        return lines;
    }

    private static void compare(String path, Object wanted, Object have, boolean secret, List<String> lines) {
        if (wanted instanceof Map<?, ?> wantedMap && have instanceof Map<?, ?> haveMap) {
            for (Map.Entry<?, ?> entry : wantedMap.entrySet()) {
                String child = path.isEmpty() ? String.valueOf(entry.getKey()) : path + "." + entry.getKey();
                compare(child, entry.getValue(), haveMap.get(entry.getKey()), secret, lines);
            }
            return;
        }
        if (wanted instanceof List<?> wantedList && have instanceof List<?> haveList
                && wantedList.size() == haveList.size()) {
            List<String> inner = new ArrayList<>();
            for (int i = 0; i < wantedList.size(); i++) {
                compare(path + "[" + i + "]", wantedList.get(i), haveList.get(i), secret, inner);
            }
            lines.addAll(inner);
            return;
        }
        if (!sameScalar(wanted, have)) {
            if (secret && (path.startsWith("data.") || path.startsWith("stringData."))) {
                lines.add(path + ": " + (have == null ? "(absent)" : "(a value)") + " -> (another value, hidden)");
            } else {
                lines.add(path + ": " + show(have) + " -> " + show(wanted));
            }
        }
    }

    /** Numbers compare by value (a YAML 3 and a JSON 3L are the same replica count). */
    private static boolean sameScalar(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.toString().equals(y.toString()) || x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a, b);
    }

    private static String show(Object value) {
        if (value == null) {
            return "(absent)";
        }
        String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }
}
