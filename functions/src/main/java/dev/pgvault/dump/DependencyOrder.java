package dev.pgvault.dump;

import dev.pgvault.errors.UnsupportedObjectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Orders dump items so every item comes after what it depends on, whatever order the objects
 * were created in. Among items free to go, the order is stable: section, kind, then name.
 *
 * <p>Items absorbed into another (a column default inside its CREATE TABLE) stand for their
 * owner here: their dependencies are the owner's. A dependency loop that runs through such a
 * part (a default calling a function whose SQL-standard body reads the table) is broken by
 * splitting the part off, as pg_dump does; a loop with nothing to split fails naming its
 * members. A pre-data item that needs a post-data one (a view grouping by a primary key)
 * pulls it, and what it needs, ahead of the data.
 */
final class DependencyOrder {
    private static final Comparator<DumpItem> STANDING = Comparator
            .comparing(DumpItem::section)
            .thenComparing(DumpItem::kind)
            .thenComparing(DumpItem::sortName)
            .thenComparing(item -> item.ref().catalog())
            .thenComparingLong(item -> item.ref().oid());

    private DependencyOrder() {}

    /** The items to write, in order; absorbed parts are left out (their owner writes them). */
    static List<DumpItem> sort(List<DumpItem> items) {
        Map<DumpItem, Set<Edge>> graph = breakLoops(items);
        List<DumpItem> units = new ArrayList<>(graph.keySet());
        promoteDependencies(graph);
        Map<DumpItem, Integer> waitingOn = new HashMap<>();
        Map<DumpItem, List<DumpItem>> dependents = new HashMap<>();
        for (DumpItem unit : units) {
            waitingOn.put(unit, 0);
        }
        for (DumpItem unit : units) {
            for (DumpItem dependency : targets(graph.get(unit))) {
                waitingOn.merge(unit, 1, Integer::sum);
                dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(unit);
            }
        }
        PriorityQueue<DumpItem> ready = new PriorityQueue<>(STANDING);
        waitingOn.forEach((item, count) -> {
            if (count == 0) {
                ready.add(item);
            }
        });
        List<DumpItem> ordered = new ArrayList<>(units.size());
        while (!ready.isEmpty()) {
            DumpItem next = ready.poll();
            ordered.add(next);
            for (DumpItem dependent : dependents.getOrDefault(next, List.of())) {
                if (waitingOn.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (ordered.size() < units.size()) {
            throw new IllegalStateException("dependency loop left after breaking loops"); // breakLoops guarantees none
        }
        return ordered;
    }

    /** A dependency of a unit on another, and the absorbed part that brings it (null: the unit itself). */
    private record Edge(DumpItem to, DumpItem via) {}

    private static Set<DumpItem> targets(Set<Edge> edges) {
        Set<DumpItem> targets = new LinkedHashSet<>();
        for (Edge edge : edges) {
            targets.add(edge.to());
        }
        return targets;
    }

    /** Builds the graph between units, splitting absorbed parts off until no loop is left. */
    private static Map<DumpItem, Set<Edge>> breakLoops(List<DumpItem> items) {
        while (true) {
            Map<DumpItem, Set<Edge>> graph = graph(items);
            List<List<DumpItem>> loops = stronglyConnected(graph);
            if (loops.isEmpty()) {
                return graph;
            }
            boolean split = false;
            for (List<DumpItem> loop : loops) {
                Set<DumpItem> members = new LinkedHashSet<>(loop);
                for (DumpItem unit : loop) {
                    for (Edge edge : graph.get(unit)) {
                        if (edge.via() != null && edge.via().isAbsorbed() && members.contains(edge.to())) {
                            edge.via().split();
                            split = true;
                        }
                    }
                }
                if (!split) {
                    String names = loop.stream().map(DumpItem::label).sorted().collect(Collectors.joining(", "));
                    throw new UnsupportedObjectException(List.of("circular dependency between " + names
                            + "; pgvault cannot order these objects for a restore"));
                }
            }
        }
    }

    private static Map<DumpItem, Set<Edge>> graph(List<DumpItem> items) {
        Map<DumpItem, Set<Edge>> graph = new LinkedHashMap<>();
        for (DumpItem item : items) {
            if (!item.isAbsorbed()) {
                graph.put(item, new LinkedHashSet<>());
            }
        }
        for (DumpItem item : items) {
            DumpItem from = unit(item);
            for (DumpItem dependency : item.dependsOn()) {
                DumpItem to = unit(dependency);
                if (to == from || !graph.containsKey(to)) {
                    continue; // within one unit, or not dumped (an object of a schema we do not dump)
                }
                graph.get(from).add(new Edge(to, item.isAbsorbed() ? item : null));
            }
        }
        return graph;
    }

    private static DumpItem unit(DumpItem item) {
        return item.isAbsorbed() ? item.absorbedBy() : item;
    }

    /** Tarjan's algorithm, iterative (dependency chains can be long): the loops, each of two or more units. */
    private static List<List<DumpItem>> stronglyConnected(Map<DumpItem, Set<Edge>> graph) {
        Map<DumpItem, Integer> index = new HashMap<>();
        Map<DumpItem, Integer> low = new HashMap<>();
        Deque<DumpItem> stack = new ArrayDeque<>();
        Set<DumpItem> onStack = new java.util.HashSet<>();
        List<List<DumpItem>> loops = new ArrayList<>();
        int counter = 0;
        for (DumpItem root : graph.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<java.util.Iterator<Edge>> iterators = new ArrayDeque<>();
            Deque<DumpItem> path = new ArrayDeque<>();
            index.put(root, counter);
            low.put(root, counter++);
            stack.push(root);
            onStack.add(root);
            path.push(root);
            iterators.push(graph.get(root).iterator());
            while (!path.isEmpty()) {
                DumpItem node = path.peek();
                java.util.Iterator<Edge> edges = iterators.peek();
                if (edges.hasNext()) {
                    DumpItem next = edges.next().to();
                    if (!index.containsKey(next)) {
                        index.put(next, counter);
                        low.put(next, counter++);
                        stack.push(next);
                        onStack.add(next);
                        path.push(next);
                        iterators.push(graph.get(next).iterator());
                    } else if (onStack.contains(next)) {
                        low.put(node, Math.min(low.get(node), index.get(next)));
                    }
                    continue;
                }
                path.pop();
                iterators.pop();
                if (!path.isEmpty()) {
                    DumpItem parent = path.peek();
                    low.put(parent, Math.min(low.get(parent), low.get(node)));
                }
                if (low.get(node).equals(index.get(node))) {
                    List<DumpItem> component = new ArrayList<>();
                    DumpItem member;
                    do {
                        member = stack.pop();
                        onStack.remove(member);
                        component.add(member);
                    } while (member != node);
                    if (component.size() > 1) {
                        loops.add(component);
                    }
                }
            }
        }
        return loops;
    }

    private static void promoteDependencies(Map<DumpItem, Set<Edge>> graph) {
        Deque<DumpItem> work = new ArrayDeque<>(graph.keySet());
        while (!work.isEmpty()) {
            DumpItem item = work.pop();
            for (DumpItem dependency : targets(graph.get(item))) {
                if (dependency.section().compareTo(item.section()) > 0
                        && dependency.kind().section() != Section.DATA) {
                    dependency.promoteTo(item.section());
                    work.push(dependency);
                }
            }
        }
    }
}
