package dev.pgvault.repository;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.NoEncryptionParameters;
import dev.pgvault.archive.crypto.OpensslParameters;
import dev.pgvault.archive.crypto.PgpParameters;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one declaration of what the end of a key means in a repository. Everything that lists,
 * restores, verifies or tiers asks here (through {@link BackupKey} and {@link BackupCatalog}),
 * so a new file type is added in one place and is never mistaken for a backup.
 *
 * <p>A backup object is {@code .sql} + a compression suffix ({@link Compression}: {@code .gz},
 * later {@code .zst}) + an encryption suffix (empty, {@code .enc}, {@code .gpg}). Its sidecars
 * are the object's key + a {@link Sidecar} suffix, written by pgvault beside it; they are never
 * backups, whatever the rest of their name looks like.
 */
public final class BackupArtifacts {
    public static final String SQL = ".sql";
    /** A namespace's objects (or the sealed-secrets keys) as multi-document YAML, gzip-compressed: {@link ArtifactKey}. */
    public static final String CONFIG_SUFFIX = ".yaml.gz";
    /** The default branch's HEAD as {@code git archive --format=tar.gz} would write it: {@link ArtifactKey}. */
    public static final String CODE_TARBALL_SUFFIX = ".tar.gz";
    /** Every ref with its history, as {@code git bundle create --all} writes it: {@link ArtifactKey}. */
    public static final String CODE_BUNDLE_SUFFIX = ".bundle";

    /**
     * The GDPR erasure ledger: the statements that erase one subject ({@link #ERASURE_STATEMENTS}) and
     * one object per erasure under {@link #ERASURE_ENTRIES}, named by time and a random id only (never
     * the subject, which is personal data). None of it is a backup.
     */
    public static final String ERASURE_PREFIX = "gdpr/";
    public static final String ERASURE_STATEMENTS = ERASURE_PREFIX + "erasure-statements.sql";
    public static final String ERASURE_ENTRIES = ERASURE_PREFIX + "ledger/";
    /** An entry's key: {@code gdpr/ledger/<yyyyMMdd'T'HHmmss.SSS'Z'>-<id>.json} + the encryption suffix. */
    private static final java.util.regex.Pattern ERASURE_ENTRY = java.util.regex.Pattern.compile(
            "gdpr/ledger/(\\d{8}T\\d{6}\\.\\d{3}Z)-([0-9a-f]{32})\\.json(|\\.enc|\\.gpg)");

    /**
     * The encryption suffix by mode. The modes' {@link Encryptor#keySuffix()} must agree (a test checks
     * each encryptor); they are listed here rather than asked of an encryptor because building one
     * needs key material, and a listing has none.
     */
    private static final Map<String, String> ENCRYPTION_SUFFIXES = encryptionSuffixes();

    private static final Set<String> OBJECT_SUFFIXES = objectSuffixesOf(ENCRYPTION_SUFFIXES);

    private BackupArtifacts() {}

    /** Files pgvault keeps beside a backup object, named {@code <object key><suffix>}. */
    public enum Sidecar {
        /** Written last; a backup without it is not a backup. */
        MANIFEST(".manifest.json", true),
        /** The last verified restore; rewritten by each verification. */
        VERIFICATION(".verification.json", false),
        /** The lease of the run writing the backup; renewed every few seconds, deleted at the run's end. */
        LOCK(".lock", false),
        /** The manifest's detached signature ({@code <key>.manifest.json.sig}), written just before the manifest. */
        MANIFEST_SIGNATURE(".manifest.json.sig", true),
        /**
         * The roles the database needs ({@code backup --globals}), a SQL script encrypted like the
         * object (the object's key says how); its SHA-256 is in the signed manifest.
         */
        GLOBALS(".globals.sql", true);

        private final String suffix;
        private final boolean retained;

        Sidecar(String suffix, boolean retained) {
            this.suffix = suffix;
            this.retained = retained;
        }

        public String suffix() {
            return suffix;
        }

        /**
         * Whether this sidecar is part of what a backup is, and so kept under S3 Object Lock like the
         * backup object: the manifest and its signature are; a lock or verification record is not.
         */
        public boolean retainedUnderObjectLock() {
            return retained;
        }

        /** This sidecar's key for the backup object {@code objectKey}. */
        public String keyFor(String objectKey) {
            return objectKey + suffix;
        }
    }

    /** The suffix of a backup object written with this compression and encryptor, e.g. {@code .sql.gz.enc}. */
    public static String objectSuffix(Compression compression, Encryptor encryptor) {
        String encryption = ENCRYPTION_SUFFIXES.get(encryptor.mode());
        if (encryption == null || !encryption.equals(encryptor.keySuffix())) {
            throw new IllegalStateException("encryption mode '" + encryptor.mode() + "' (suffix '"
                    + encryptor.keySuffix() + "') is not declared in " + BackupArtifacts.class.getSimpleName());
        }
        return SQL + compression.suffix() + encryption;
    }

    /** The suffix the encryption mode {@code mode} ({@code none}, {@code openssl}, {@code pgp}) adds. */
    public static String encryptionSuffix(String mode) {
        String suffix = ENCRYPTION_SUFFIXES.get(mode);
        if (suffix == null) {
            throw new IllegalArgumentException("unknown encryption mode '" + mode + "'; known: " + ENCRYPTION_SUFFIXES.keySet());
        }
        return suffix;
    }

    /** Every suffix a backup object can have, e.g. {@code .sql.gz}, {@code .sql.gz.gpg}. */
    public static Set<String> objectSuffixes() {
        return OBJECT_SUFFIXES;
    }

    /**
     * Whether {@code key} (relative to the repository) gets an Object Lock retain-until date when
     * written: a backup object, or the manifest or signature of one. Anything else (a lock, a
     * verification record, a key this catalog does not know) is written without retention, so it
     * stays deletable.
     */
    public static boolean retainedUnderObjectLock(String key) {
        if (key == null) {
            return false;
        }
        if (isBackupObject(key) || isErasureEntry(key)) {
            return true; // an erasure entry is append-only: it must outlive every backup it applies to
        }
        for (Sidecar sidecar : Sidecar.values()) {
            if (sidecar.retainedUnderObjectLock() && key.endsWith(sidecar.suffix())
                    && isBackupObject(key.substring(0, key.length() - sidecar.suffix().length()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code key} is a backup object of any {@link ArtifactType}: database, config or code. */
    public static boolean isBackupObject(String key) {
        return BackupKey.parse(key).isPresent() || ArtifactKey.parse(key).isPresent();
    }

    /** The type of the backup object under {@code key}; empty for sidecars and anything else. */
    public static java.util.Optional<ArtifactType> typeOf(String key) {
        if (BackupKey.parse(key).isPresent()) {
            return java.util.Optional.of(ArtifactType.DATABASE);
        }
        return ArtifactKey.parse(key).map(ArtifactKey::type);
    }

    /** Whether {@code suffix} is one an encryption mode adds (empty for none). */
    public static boolean isEncryptionSuffix(String suffix) {
        return ENCRYPTION_SUFFIXES.containsValue(suffix);
    }

    /** Whether {@code key} is an entry of the erasure ledger (see {@link #ERASURE_ENTRIES}). */
    public static boolean isErasureEntry(String key) {
        return key != null && ERASURE_ENTRY.matcher(key).matches();
    }

    /** An erasure entry's key for the time stamp, random id and encryption mode. */
    public static String erasureEntryKey(String stamp, String id, String encryptionMode) {
        String key = ERASURE_ENTRIES + stamp + "-" + id + ".json" + encryptionSuffix(encryptionMode);
        if (!isErasureEntry(key)) {
            throw new IllegalArgumentException("not an erasure entry key: " + key);
        }
        return key;
    }

    /** Whether {@code suffix} (from {@code .sql} on) is a backup object's. */
    public static boolean isObjectSuffix(String suffix) {
        return OBJECT_SUFFIXES.contains(suffix);
    }

    private static Map<String, String> encryptionSuffixes() {
        Map<String, String> suffixes = new LinkedHashMap<>();
        suffixes.put(NoEncryptionParameters.MODE, "");
        suffixes.put(OpensslParameters.MODE, ".enc");
        suffixes.put(PgpParameters.MODE, ".gpg");
        return Map.copyOf(suffixes);
    }

    private static Set<String> objectSuffixesOf(Map<String, String> encryption) {
        Set<String> suffixes = new LinkedHashSet<>();
        for (Compression compression : Compression.values()) {
            for (String encrypted : encryption.values()) {
                suffixes.add(SQL + compression.suffix() + encrypted);
            }
        }
        return Set.copyOf(suffixes);
    }
}
