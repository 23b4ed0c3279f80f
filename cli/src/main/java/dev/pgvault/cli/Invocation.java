package dev.pgvault.cli;

import java.util.Map;

/**
 * What one run of the CLI works with: where it prints, the environment it reads (libpq's
 * variables, DATABASE_URL; a map, so tests need not change the process's), and the signals
 * that stop it.
 */
public record Invocation(Terminal terminal, Map<String, String> environment, Signals signals) {
    public Invocation {
        environment = Map.copyOf(environment);
    }

    /** An environment variable, or null when unset or empty. */
    public String env(String name) {
        String value = environment.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
