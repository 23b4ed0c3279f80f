package dev.pgvault.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup's object key, in the seed runbook's names so that {@code aws s3 cp} + {@code gunzip}
 * + {@code psql} keep working:
 * <pre>
 *   daily/auth-db-backup-2026-11-24.sql.gz[.enc|.gpg]
 *   manual/auth-db-manual-2026-11-24-101530.sql.gz[.enc|.gpg]
 * </pre>
 * Dates are UTC. {@code auth-db} is the configured backup name. The suffix is one that
 * {@link BackupArtifacts} declares for backup objects: a manifest, verification record, lock or
 * any other file is not a backup key.
 */
public record BackupKey(BackupKind kind, String backupName, LocalDateTime time, String suffix) implements RetainedKey {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss");
    private static final Pattern KEY = Pattern.compile(
            "(daily|manual|weekly|monthly|yearly)/([a-z0-9][a-z0-9-]*?)-(backup|manual)-"
                    + "(\\d{4}-\\d{2}-\\d{2})(?:-(\\d{6}))?(\\.sql(?:\\.[a-z0-9]+)*)");

    public BackupKey {
        if (!BackupArtifacts.isObjectSuffix(suffix)) {
            throw new IllegalArgumentException("'" + suffix + "' is not a backup object suffix; declared: "
                    + new java.util.TreeSet<>(BackupArtifacts.objectSuffixes()));
        }
    }

    public static BackupKey create(BackupKind kind, String backupName, Instant now, String suffix) {
        checkName(backupName);
        LocalDateTime utc = LocalDateTime.ofInstant(now, ZoneOffset.UTC).withNano(0);
        if (kind != BackupKind.MANUAL) {
            utc = utc.toLocalDate().atStartOfDay();
        }
        return new BackupKey(kind, backupName, utc, suffix);
    }

    public static void checkName(String backupName) {
        if (backupName == null || !NAME.matcher(backupName).matches()) {
            throw new dev.pgvault.errors.ConfigurationException("backup name '" + backupName
                    + "' must be lower-case letters, digits and dashes (like auth-db), at most 63 characters");
        }
    }

    /**
     * Parses a backup object's key; empty for sidecars (manifest, verification record, lock,
     * signature) and anything else whose suffix is not a backup object's.
     */
    public static Optional<BackupKey> parse(String key) {
        Matcher m = KEY.matcher(key);
        if (!m.matches() || !BackupArtifacts.isObjectSuffix(m.group(6)) || !NAME.matcher(m.group(2)).matches()) {
            return Optional.empty();
        }
        BackupKind kind = BackupKind.parse(m.group(1));
        boolean manualName = m.group(3).equals("manual");
        if ((kind == BackupKind.MANUAL) != manualName || (m.group(5) != null) != manualName) {
            return Optional.empty();
        }
        LocalDate date = LocalDate.parse(m.group(4), DAY);
        LocalDateTime time = manualName
                ? LocalDateTime.parse(m.group(4) + "-" + m.group(5), SECOND)
                : date.atStartOfDay();
        return Optional.of(new BackupKey(kind, m.group(2), time, m.group(6)));
    }

    public String key() {
        String stamp = kind == BackupKind.MANUAL ? time.format(SECOND) : time.toLocalDate().format(DAY);
        return kind.folder() + "/" + backupName + "-" + kind.word() + "-" + stamp + suffix;
    }

    public String manifestKey() {
        return BackupArtifacts.Sidecar.MANIFEST.keyFor(key());
    }

    public String verificationKey() {
        return BackupArtifacts.Sidecar.VERIFICATION.keyFor(key());
    }

    public String lockKey() {
        return BackupArtifacts.Sidecar.LOCK.keyFor(key());
    }

    public Instant instant() {
        return time.toInstant(ZoneOffset.UTC);
    }

    @Override
    public String toString() {
        return key();
    }

    /** Database backups form one series per backup name. */
    @Override
    public String series() {
        return backupName;
    }

    @Override
    public boolean manual() {
        return kind == BackupKind.MANUAL;
    }
}
