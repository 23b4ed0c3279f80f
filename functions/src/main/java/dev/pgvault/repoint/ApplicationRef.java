package dev.pgvault.repoint;

import dev.pgvault.errors.InvalidRequestException;
import java.util.regex.Pattern;

/**
 * The application to repoint: the Kubernetes secret key that holds its {@code DATABASE_URL}
 * and the deployment whose pods read it. Names are checked against Kubernetes' own rules, so
 * a typo fails here, with the field named, instead of as an API error halfway through.
 */
public record ApplicationRef(String namespace, String secretName, String secretKey, String deployment) {
    /** The key the seed runbook patches ({@code kubectl patch secret ... database-url}). */
    public static final String DEFAULT_SECRET_KEY = "database-url";

    private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    private static final Pattern SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    private static final Pattern KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");

    public ApplicationRef {
        check("namespace", namespace, LABEL, "a DNS label: lower-case letters, digits and '-', at most 63");
        check("secret", secretName, SUBDOMAIN, "a DNS subdomain: lower-case letters, digits, '-' and '.'");
        if (secretKey == null || secretKey.isBlank()) {
            secretKey = DEFAULT_SECRET_KEY;
        }
        check("secret key", secretKey, KEY, "letters, digits, '-', '_' and '.'");
        check("deployment", deployment, SUBDOMAIN, "a DNS subdomain: lower-case letters, digits, '-' and '.'");
    }

    private static void check(String what, String value, Pattern pattern, String rule) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(what + " is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw new InvalidRequestException(what + " '" + value + "' is not a valid Kubernetes name (" + rule + ")");
        }
    }

    /** namespace/secret[key], for messages. */
    public String secretLabel() {
        return "key '" + secretKey + "' of secret " + namespace + "/" + secretName;
    }

    public String deploymentLabel() {
        return "deployment " + namespace + "/" + deployment;
    }
}
