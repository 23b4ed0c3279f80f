package dev.pgvault.verify;

import dev.pgvault.archive.signing.TrustedKeys;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a reader of backups (restore, verification) accepts as genuine: manifests signed by one
 * of {@code keys}, and, only if {@code allowUnsigned}, manifests with no signature at all
 * (pg_dump scripts, backups from before signing), each one announced through {@code warn}.
 */
public record ManifestTrust(TrustedKeys keys, boolean allowUnsigned, Consumer<String> warn) {
    /** Trusts nothing: every backup from a repository is refused (scripts given as files need no trust). */
    public static ManifestTrust none() {
        return new ManifestTrust(TrustedKeys.of(List.of()), false, message -> { });
    }
}
