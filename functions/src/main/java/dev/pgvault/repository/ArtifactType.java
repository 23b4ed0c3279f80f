package dev.pgvault.repository;

import dev.pgvault.errors.InvalidRequestException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a backup in the repository is a backup of; each manifest records it as {@code type}.
 * Database backups live in {@link BackupKind}'s folders ({@link BackupKey}); the others in the
 * folders named here ({@link ArtifactKey}).
 */
public enum ArtifactType {
    /** A logical dump of the database (daily/, manual/, weekly/, ...). */
    DATABASE("database", null),
    /** A namespace's Kubernetes objects, or the sealed-secrets controller's keys. */
    CONFIG("config", "config"),
    /** The application's Git repository: a bundle of all refs and a tarball of the default branch. */
    CODE("code", "code");

    private final String id;
    private final String folder;

    ArtifactType(String id, String folder) {
        this.id = id;
        this.folder = folder;
    }

    /** The manifest's {@code type} and the CLI's {@code --type} value. */
    public String id() {
        return id;
    }

    /** The top-level folder of this type's keys; null for database backups (several folders). */
    public String folder() {
        return folder;
    }

    public static ArtifactType parse(String value) {
        for (ArtifactType type : values()) {
            if (type.id.equalsIgnoreCase(value == null ? "" : value.strip())) {
                return type;
            }
        }
        throw new InvalidRequestException("unknown backup type '" + value + "'; expected one of "
                + Arrays.stream(values()).map(ArtifactType::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
