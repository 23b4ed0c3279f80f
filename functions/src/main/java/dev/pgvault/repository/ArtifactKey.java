package dev.pgvault.repository;

import dev.pgvault.errors.ConfigurationException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key of a configuration or source-code backup, one per name and UTC day:
 * <pre>
 *   config/shopping-app-config-2026-11-24.yaml.gz[.enc|.gpg]          a namespace's objects
 *   config/kube-system-sealed-secrets-keys-2026-11-24.yaml.gz.enc|.gpg the sealed-secrets controller's keys
 *   code/auth-service-2026-11-24.tar.gz[.enc|.gpg]                    the default branch's HEAD (the runbook's name)
 *   code/auth-service-2026-11-24.bundle[.enc|.gpg]                    every ref with its history
 * </pre>
 * Sidecars (manifest, signature, lock) are the key plus a {@link BackupArtifacts.Sidecar} suffix,
 * as for database backups. The suffixes are {@link BackupArtifacts}'s.
 *
 * @param form             what the object holds: its folder, the word after the name, its suffix
 * @param name             a namespace or the code's configured name: lower-case letters, digits and dashes
 * @param encryptionSuffix empty, .enc or .gpg
 */
public record ArtifactKey(Form form, String name, LocalDate date, String encryptionSuffix) implements RetainedKey {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The kinds of object stored under config/ and code/. */
    public enum Form {
        NAMESPACE(ArtifactType.CONFIG, "-config", BackupArtifacts.CONFIG_SUFFIX),
        SEALED_SECRETS_KEYS(ArtifactType.CONFIG, "-sealed-secrets-keys", BackupArtifacts.CONFIG_SUFFIX),
        CODE_TARBALL(ArtifactType.CODE, "", BackupArtifacts.CODE_TARBALL_SUFFIX),
        CODE_BUNDLE(ArtifactType.CODE, "", BackupArtifacts.CODE_BUNDLE_SUFFIX);

        private final ArtifactType type;
        private final String word;
        private final String suffix;
        private final Pattern pattern;

        Form(ArtifactType type, String word, String suffix) {
            this.type = type;
            this.word = word;
            this.suffix = suffix;
            this.pattern = Pattern.compile(Pattern.quote(type.folder() + "/") + "([a-z0-9-]+)" + Pattern.quote(word)
                    + "-(\\d{4}-\\d{2}-\\d{2})" + Pattern.quote(suffix) + "(\\.enc|\\.gpg)?");
        }

        public ArtifactType type() {
            return type;
        }

        /** The object's suffix before encryption: .yaml.gz, .tar.gz or .bundle. */
        public String suffix() {
            return suffix;
        }

        /** Whether pgvault gzips the stream (a bundle is stored as git wrote it: its pack is compressed). */
        public boolean compressed() {
            return this != CODE_BUNDLE;
        }
    }

    public ArtifactKey {
        checkName(name);
        if (!BackupArtifacts.isEncryptionSuffix(encryptionSuffix)) {
            throw new IllegalArgumentException("'" + encryptionSuffix + "' is not an encryption suffix");
        }
    }

    /** The key of {@code form} for {@code name} on the UTC day of {@code now}, encrypted by {@code encryptionMode}. */
    public static ArtifactKey create(Form form, String name, Instant now, String encryptionMode) {
        return new ArtifactKey(form, name, LocalDate.ofInstant(now, ZoneOffset.UTC),
                BackupArtifacts.encryptionSuffix(encryptionMode));
    }

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigurationException("name '" + name + "' must be lower-case letters, digits and dashes,"
                    + " starting and ending with a letter or digit (like shopping-app), at most 63 characters");
        }
    }

    /** Parses a config or code object's key; empty for sidecars and anything else. */
    public static Optional<ArtifactKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        for (Form form : Form.values()) {
            Matcher m = form.pattern.matcher(key);
            if (m.matches() && NAME.matcher(m.group(1)).matches()) {
                try {
                    return Optional.of(new ArtifactKey(form, m.group(1), LocalDate.parse(m.group(2)),
                            m.group(3) == null ? "" : m.group(3)));
                } catch (RuntimeException e) {
                    return Optional.empty(); // a date like 2026-13-45
                }
            }
        }
        return Optional.empty();
    }

    public ArtifactType type() {
        return form.type();
    }

    public String key() {
        return form.type().folder() + "/" + name + form.word + "-" + date + form.suffix + encryptionSuffix;
    }

    public String manifestKey() {
        return BackupArtifacts.Sidecar.MANIFEST.keyFor(key());
    }

    public String signatureKey() {
        return BackupArtifacts.Sidecar.MANIFEST_SIGNATURE.keyFor(key());
    }

    public String lockKey() {
        return BackupArtifacts.Sidecar.LOCK.keyFor(key());
    }

    /**
     * One series per form and name (a code tarball and its bundle are kept by their own windows, and
     * a namespace's objects apart from the sealed-secrets keys); the encryption suffix is not part of
     * it, so switching encryption on does not start a new series.
     */
    @Override
    public String series() {
        return form.type().folder() + "/" + name + form.word + "-*" + form.suffix;
    }

    @Override
    public java.time.LocalDateTime time() {
        return date.atStartOfDay();
    }

    /** Configuration and code backups are all taken by the upload function's schedule or its command. */
    @Override
    public boolean manual() {
        return false;
    }

    @Override
    public Instant instant() {
        return date.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    @Override
    public String toString() {
        return key();
    }
}
