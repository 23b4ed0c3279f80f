package dev.pgvault.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.errors.ConfigurationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's own checks on a restored backup: SQL queries with an expectation each, such as
 * "users has at least one admin" or "no refresh token expires before its creation". They say what
 * a backup must hold, which manifests cannot: a restore that matches its manifest can still be a
 * backup of an empty or wrong database.
 *
 * <p>The document (a file, an SSM parameter or an S3 object):
 * <pre>{@code
 * {"checks": [
 *   {"name": "users has at least one admin",
 *    "sql": "SELECT count(*) FROM users WHERE role = 'admin'", "expect": {"min": 1}},
 *   {"name": "no refresh token expires before its creation",
 *    "sql": "SELECT count(*) FROM refresh_tokens WHERE expires_at < created_at", "expect": {"equals": 0}},
 *   {"name": "no orphaned tokens", "sql": "SELECT id FROM refresh_tokens t WHERE NOT EXISTS (...)",
 *    "expect": {"empty": true}}
 * ]}
 * }</pre>
 * A query's value is the first column of its first row. {@code equals} compares numbers as numbers
 * and anything else as text; {@code min} and {@code max} are inclusive numeric bounds;
 * {@code empty} asks for no rows ({@code true}) or at least one ({@code false}). Several keys in
 * one expectation must all hold. Each query runs in its own read-only transaction with a statement
 * timeout, so a check can neither change the restored database nor hang the verification.
 */
public record UserChecks(List<Check> checks) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EXPECTATIONS = Set.of("equals", "min", "max", "empty");
    private static final int MAX_SHOWN = 100;

    public UserChecks {
        checks = List.copyOf(checks);
    }

    public static UserChecks none() {
        return new UserChecks(List.of());
    }

    /** One check: a name for notices, the query, what its result must be. */
    public record Check(String name, String sql, Expectation expect) {}

    /** What a check's value must satisfy; null fields are not checked. */
    public record Expectation(JsonNode equals, BigDecimal min, BigDecimal max, Boolean empty) {
        String describe() {
            List<String> parts = new ArrayList<>();
            if (empty != null) {
                parts.add(empty ? "no rows" : "at least one row");
            }
            if (equals != null) {
                parts.add("= " + (equals.isTextual() ? "'" + equals.asText() + "'" : equals.toString()));
            }
            if (min != null) {
                parts.add(">= " + min.toPlainString());
            }
            if (max != null) {
                parts.add("<= " + max.toPlainString());
            }
            return String.join(" and ", parts);
        }
    }

    /**
     * Parses a checks document; {@code where} names it in errors (a file, a parameter). A document
     * that is not valid is a configuration error: better to fail the run than to verify less than
     * the operator asked.
     */
    public static UserChecks parse(String document, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (IOException e) {
            throw new ConfigurationException("the checks document " + where + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.path("checks").isArray()) {
            throw new ConfigurationException("the checks document " + where + " must be {\"checks\": [ ... ]}");
        }
        List<Check> checks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode node : root.get("checks")) {
            index++;
            String at = where + ", check " + index;
            String name = text(node, "name", at);
            String sql = text(node, "sql", at);
            if (!names.add(name)) {
                throw new ConfigurationException(at + ": the name '" + name + "' is used twice");
            }
            JsonNode expect = node.get("expect");
            if (expect == null || !expect.isObject() || expect.isEmpty()) {
                throw new ConfigurationException(at + " ('" + name + "') needs \"expect\": {\"equals\"|\"min\"|"
                        + "\"max\"|\"empty\": ...}");
            }
            for (Iterator<String> fields = expect.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!EXPECTATIONS.contains(field)) {
                    throw new ConfigurationException(at + " ('" + name + "'): unknown expectation '" + field
                            + "'; known: equals, min, max, empty");
                }
            }
            checks.add(new Check(name, sql, new Expectation(
                    expect.has("equals") ? expect.get("equals") : null,
                    number(expect, "min", at), number(expect, "max", at),
                    expect.has("empty") ? bool(expect, "empty", at) : null)));
        }
        return new UserChecks(checks);
    }

    public boolean isEmpty() {
        return checks.isEmpty();
    }

    /**
     * Runs every check on {@code connection} (its session settings reset first) and returns one line per check that failed (its query
     * failed, or its value did not meet the expectation); empty when all passed.
     */
    public List<String> run(Connection connection, int statementTimeoutSeconds) throws SQLException {
        List<String> failures = new ArrayList<>();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement st = connection.createStatement()) {
            st.execute("RESET ALL"); // the session as an application sees it: default search_path, row security
        }
        connection.setAutoCommit(false);
        try {
            for (Check check : checks) {
                failure(connection, check, statementTimeoutSeconds).ifPresent(failures::add);
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
        return failures;
    }

    private static Optional<String> failure(Connection connection, Check check, int timeoutSeconds)
            throws SQLException {
        String label = "check '" + check.name() + "'";
        try (Statement st = connection.createStatement()) {
            st.execute("SET TRANSACTION READ ONLY");
            st.execute("SET LOCAL statement_timeout = '" + timeoutSeconds + "s'");
            boolean hasRow;
            String value;
            try (ResultSet rs = st.executeQuery(check.sql())) {
                hasRow = rs.next();
                value = hasRow ? rs.getString(1) : null;
            }
            return judge(check.expect(), hasRow, value).map(why -> label + " failed: expected "
                    + check.expect().describe() + ", " + why);
        } catch (SQLException e) {
            // The message and SQLSTATE only: DETAIL could quote row values.
            return Optional.of(label + " could not run: " + firstLine(e.getMessage()) + " (SQLSTATE "
                    + e.getSQLState() + ")");
        } finally {
            connection.rollback();
        }
    }

    /** Why the value does not meet the expectation, or empty when it does. */
    static Optional<String> judge(Expectation expect, boolean hasRow, String value) {
        if (expect.empty() != null) {
            if (expect.empty() && hasRow) {
                return Optional.of("got at least one row (first value " + shown(value) + ")");
            }
            if (!expect.empty() && !hasRow) {
                return Optional.of("got no rows");
            }
        }
        if (expect.equals() == null && expect.min() == null && expect.max() == null) {
            return Optional.empty();
        }
        if (!hasRow) {
            return Optional.of("got no rows");
        }
        if (value == null) {
            return Optional.of("got NULL");
        }
        if (expect.equals() != null && !matches(expect.equals(), value)) {
            return Optional.of("got " + shown(value));
        }
        if (expect.min() != null || expect.max() != null) {
            BigDecimal number;
            try {
                number = new BigDecimal(value.strip());
            } catch (NumberFormatException e) {
                return Optional.of("got " + shown(value) + ", not a number");
            }
            if (expect.min() != null && number.compareTo(expect.min()) < 0
                    || expect.max() != null && number.compareTo(expect.max()) > 0) {
                return Optional.of("got " + number.toPlainString());
            }
        }
        return Optional.empty();
    }

    private static boolean matches(JsonNode expected, String value) {
        if (expected.isNumber()) {
            try {
                return new BigDecimal(value.strip()).compareTo(expected.decimalValue()) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (expected.isBoolean()) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            boolean truth = v.equals("t") || v.equals("true");
            boolean falsity = v.equals("f") || v.equals("false");
            return expected.asBoolean() ? truth : falsity;
        }
        if (expected.isNull()) {
            return false; // NULL was handled before: a value is never NULL here
        }
        return expected.asText().equals(value);
    }

    private static String shown(String value) {
        if (value == null) {
            return "NULL";
        }
        return "'" + (value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) + "..." : value) + "'";
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ConfigurationException(at + " needs a non-empty \"" + field + "\"");
        }
        return value.asText();
    }

    private static BigDecimal number(JsonNode expect, String field, String at) {
        JsonNode value = expect.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw new ConfigurationException(at + ": \"" + field + "\" must be a number");
        }
        return value.decimalValue();
    }

    private static boolean bool(JsonNode expect, String field, String at) {
        JsonNode value = expect.get(field);
        if (!value.isBoolean()) {
            throw new ConfigurationException(at + ": \"" + field + "\" must be true or false");
        }
        return value.asBoolean();
    }
}
