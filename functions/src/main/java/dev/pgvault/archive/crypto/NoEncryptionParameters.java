package dev.pgvault.archive.crypto;

/** The backup is stored as the compressor wrote it. */
public record NoEncryptionParameters() implements EncryptionParameters {
    public static final String MODE = "none";

    @Override
    public String mode() {
        return MODE;
    }
}
