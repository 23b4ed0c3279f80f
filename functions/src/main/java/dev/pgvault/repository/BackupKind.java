package dev.pgvault.repository;

import dev.pgvault.errors.InvalidRequestException;
import java.util.Locale;

/** The folder a backup lives in, and the word in its file name (seed runbook names). */
public enum BackupKind {
    DAILY("daily", "backup"),
    MANUAL("manual", "manual"),
    WEEKLY("weekly", "backup"),
    MONTHLY("monthly", "backup"),
    YEARLY("yearly", "backup");

    private final String folder;
    private final String word;

    BackupKind(String folder, String word) {
        this.folder = folder;
        this.word = word;
    }

    public String folder() {
        return folder;
    }

    String word() {
        return word;
    }

    public static BackupKind parse(String value) {
        for (BackupKind kind : values()) {
            if (kind.folder.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return kind;
            }
        }
        throw new InvalidRequestException("unknown backup kind '" + value + "'; expected one of daily, manual"
                + " (weekly, monthly and yearly are made by tiering)");
    }

    @Override
    public String toString() {
        return folder.toLowerCase(Locale.ROOT);
    }
}
