package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, validated reads from an environment map. Every failure names the variable,
 * so a misconfigured function fails at start with a message an operator can act on.
 * Values are never echoed back for variables that might hold references to secrets.
 */
public final class Environment {
    private final Map<String, String> variables;

    public Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static Environment system() {
        return new Environment(System.getenv());
    }

    public String required(String name) {
        return optional(name).orElseThrow(
                () -> new ConfigurationException("environment variable " + name + " is required but not set"));
    }

    public Optional<String> optional(String name) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String optional(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(
                    "environment variable " + name + " must be a whole number, got '" + raw.get() + "'");
        }
        if (value < min || value > max) {
            throw new ConfigurationException(
                    "environment variable " + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(raw.get().replace('-', '_'))) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.isEmpty() ? "" : ", ").append(constant.name().toLowerCase());
        }
        throw new ConfigurationException(
                "environment variable " + name + " must be one of " + allowed + ", got '" + raw.get() + "'");
    }
}
