package dev.pgvault.dump;

import dev.pgvault.errors.PgvaultException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Collectors;

/**
 * Orders dump items so every item comes after what it depends on, whatever order the objects
 * were created in. Among items free to go, the order is stable: section, kind, then name.
 * A pre-data item that needs a post-data one (a view grouping by a primary key) pulls it,
 * and what it needs, ahead of the data.
 */
final class DependencyOrder {
    private static final Comparator<DumpItem> STANDING = Comparator
            .comparing(DumpItem::section)
            .thenComparing(DumpItem::kind)
            .thenComparing(DumpItem::sortName)
            .thenComparingLong(item -> item.ref().oid());

    private DependencyOrder() {}

    static List<DumpItem> sort(List<DumpItem> items) {
        promoteDependencies(items);
        Map<DumpItem, Integer> waitingOn = new HashMap<>();
        Map<DumpItem, List<DumpItem>> dependents = new HashMap<>();
        for (DumpItem item : items) {
            waitingOn.put(item, 0);
        }
        for (DumpItem item : items) {
            for (DumpItem dependency : item.dependsOn()) {
                if (!waitingOn.containsKey(dependency)) {
                    continue; // not dumped (e.g. an object of another schema we do not own)
                }
                waitingOn.merge(item, 1, Integer::sum);
                dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(item);
            }
        }
        PriorityQueue<DumpItem> ready = new PriorityQueue<>(STANDING);
        waitingOn.forEach((item, count) -> {
            if (count == 0) {
                ready.add(item);
            }
        });
        List<DumpItem> ordered = new ArrayList<>(items.size());
        while (!ready.isEmpty()) {
            DumpItem next = ready.poll();
            ordered.add(next);
            for (DumpItem dependent : dependents.getOrDefault(next, List.of())) {
                if (waitingOn.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (ordered.size() < items.size()) {
            String stuck = items.stream()
                    .filter(item -> waitingOn.get(item) > 0)
                    .map(DumpItem::label)
                    .sorted()
                    .collect(Collectors.joining(", "));
            throw new PgvaultException("circular dependency between " + stuck
                    + "; pgvault cannot order these objects for a restore");
        }
        return ordered;
    }

    private static void promoteDependencies(List<DumpItem> items) {
        Deque<DumpItem> work = new ArrayDeque<>(items);
        while (!work.isEmpty()) {
            DumpItem item = work.pop();
            for (DumpItem dependency : item.dependsOn()) {
                if (dependency.section().compareTo(item.section()) > 0
                        && dependency.kind().section() != Section.DATA) {
                    dependency.promoteTo(item.section());
                    work.push(dependency);
                }
            }
        }
    }
}
