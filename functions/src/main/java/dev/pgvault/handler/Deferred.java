package dev.pgvault.handler;

import java.util.function.Supplier;

/**
 * A value a handler computes once (its configuration, its clients); a failure to compute it is
 * remembered and rethrown at each invocation, so that it is reported through the run wrapper
 * (counted, alarmed) rather than failing the container's start, where nothing could be reported.
 */
final class Deferred<T> implements Supplier<T> {
    private final Supplier<T> compute;
    private T value;
    private RuntimeException failure;

    private Deferred(Supplier<T> compute) {
        this.compute = compute;
    }

    /** Computed now (at cold start), so the first invocation does not pay for it; a failure waits for it. */
    static <T> Deferred<T> eager(Supplier<T> compute) {
        Deferred<T> deferred = new Deferred<>(compute);
        try {
            deferred.get();
        } catch (RuntimeException remembered) {
            // reported by the first invocation, through the run wrapper
        }
        return deferred;
    }

    static <T> Deferred<T> lazy(Supplier<T> compute) {
        return new Deferred<>(compute);
    }

    @Override
    public synchronized T get() {
        if (value == null && failure == null) {
            try {
                value = compute.get();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return value;
    }
}
