package dev.pgvault.config;

import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.crypto.Passphrase;
import dev.pgvault.errors.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How the backup function encrypts, from its environment. Keys are references to Secrets
 * Manager or SSM SecureString, resolved once per invocation; in pgp mode the function holds
 * only public keys, so it cannot read what it wrote.
 */
public record EncryptionConfig(Mode mode, String passphraseRef, List<String> recipientKeyRefs, int iterations) {

    public enum Mode { NONE, OPENSSL, PGP }

    public static final String MODE = "PGVAULT_ENCRYPTION";
    public static final String PASSPHRASE_REF = "PGVAULT_ENCRYPTION_PASSPHRASE_REF";
    public static final String RECIPIENT_KEY_REFS = "PGVAULT_PGP_RECIPIENT_KEY_REFS";
    public static final String ITERATIONS = "PGVAULT_OPENSSL_ITERATIONS";
    static final int MIN_ITERATIONS = 100_000;

    public static EncryptionConfig from(Environment env) {
        Mode mode = env.choice(MODE, Mode.class, Mode.NONE);
        int iterations = env.integer(ITERATIONS, Encryptors.DEFAULT_OPENSSL_ITERATIONS, MIN_ITERATIONS, 20_000_000);
        return switch (mode) {
            case NONE -> new EncryptionConfig(mode, null, List.of(), iterations);
            case OPENSSL -> new EncryptionConfig(mode, env.optional(PASSPHRASE_REF).orElseThrow(() ->
                    new ConfigurationException("environment variable " + PASSPHRASE_REF + " is required when "
                            + MODE + " is openssl (a Secrets Manager ARN or ssm:/parameter holding the passphrase)")),
                    List.of(), iterations);
            case PGP -> {
                if (env.optional(RECIPIENT_KEY_REFS).isEmpty()) {
                    throw new ConfigurationException("environment variable " + RECIPIENT_KEY_REFS + " is required when "
                            + MODE + " is pgp (comma-separated references to recipients' public keys)");
                }
                yield new EncryptionConfig(mode, null, references(env, RECIPIENT_KEY_REFS), iterations);
            }
        };
    }

    /**
     * A comma-separated list of secret references: each element trimmed of spaces around it; an
     * empty element (two commas, a comma at either end), an element with a space inside it, or the
     * same reference twice is refused naming the variable and the element's position (references
     * are not echoed, as for every variable that may point at a secret).
     */
    static List<String> references(Environment env, String name) {
        String raw = env.optional(name, "");
        String[] elements = raw.split(",", -1);
        List<String> references = new ArrayList<>();
        for (int i = 0; i < elements.length; i++) {
            String element = elements[i].strip();
            String where = "environment variable " + name + ": element " + (i + 1) + " of " + elements.length;
            if (element.isEmpty()) {
                throw new ConfigurationException(where + " is empty (a stray comma?); give comma-separated references"
                        + " such as arn:aws:secretsmanager:...:secret:a,arn:aws:secretsmanager:...:secret:b");
            }
            if (element.codePoints().anyMatch(Character::isWhitespace)) {
                throw new ConfigurationException(where + " contains a space or line break; a reference (a Secrets"
                        + " Manager ARN or name, or ssm:/parameter) has none");
            }
            if (references.contains(element)) {
                throw new ConfigurationException(where + " repeats element " + (references.indexOf(element) + 1));
            }
            references.add(element);
        }
        return List.copyOf(references);
    }

    /** Reads the key material (once, through the resolver's cache) and builds the encryptor. */
    public Encryptor encryptor(SecretResolver secrets) {
        return switch (mode) {
            case NONE -> Encryptors.none();
            case OPENSSL -> Encryptors.openssl(Passphrase.fromSecretText(secrets.resolve(passphraseRef), passphraseRef),
                    iterations);
            case PGP -> Encryptors.pgp(recipientKeyRefs.stream()
                    .map(ref -> secrets.resolve(ref).getBytes(StandardCharsets.UTF_8)).toList());
        };
    }
}
