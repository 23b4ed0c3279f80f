package dev.pgvault.cli;

import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.archive.signing.LocalSigningKey;
import dev.pgvault.archive.signing.ManifestSigner;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;

/** --signing-key: the key that signs the manifests a backup writes. */
public final class SigningOptions {
    static final String KMS_PREFIX = "kms:";

    @Option(names = "--signing-key", paramLabel = "DIR|kms:ARN",
            description = "Signs each manifest: a directory holding signing-key.pem and signing-key.pub.pem (as"
                    + " pgvault creates them), or kms:<ARN> of an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY)."
                    + " Default: $XDG_CONFIG_HOME/pgvault/signing or ~/.config/pgvault/signing, created on first use.")
    String signingKey;

    ManifestSigner signer(Invocation invocation) {
        if (signingKey != null && signingKey.startsWith(KMS_PREFIX)) {
            return new KmsManifestSigner(KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                    signingKey.substring(KMS_PREFIX.length()));
        }
        Path directory = signingKey != null ? Path.of(signingKey)
                : LocalSigningKey.defaultDirectory(invocation.environment());
        return LocalSigningKey.loadOrCreate(directory, () -> invocation.terminal().error("created a manifest signing"
                + " key in " + directory + "; restores elsewhere need its public half, "
                + directory.resolve(LocalSigningKey.PUBLIC_FILE) + " (pgvault key export)"));
    }
}
