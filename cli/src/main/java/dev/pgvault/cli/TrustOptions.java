package dev.pgvault.cli;

import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.archive.signing.LocalSigningKey;
import dev.pgvault.archive.signing.SigningKeys;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.verify.ManifestTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Which manifest signatures a restore accepts: this machine's own signing key (when it has one),
 * public keys given as files, and KMS signing keys; and whether an unsigned backup may pass.
 * The trusted keys come from here, never from the repository being restored.
 */
public final class TrustOptions {
    @Option(names = "--trusted-key", paramLabel = "PEM",
            description = "Also trust manifests signed by this public key (as `pgvault key export` prints it). Repeatable.")
    List<Path> keyFiles = new ArrayList<>();

    @Option(names = "--trusted-kms-key", paramLabel = "ARN",
            description = "Also trust manifests signed by this KMS key (the stack output ManifestSigningKeyArn). Repeatable.")
    List<String> kmsKeys = new ArrayList<>();

    @Option(names = "--allow-unsigned",
            description = "Restore a backup whose manifest is not signed (written by pgvault before signing). Nothing"
                    + " then proves who wrote it; a signature that is present must still verify.")
    boolean allowUnsigned;

    ManifestTrust trust(Invocation invocation) {
        List<PublicKey> keys = new ArrayList<>();
        Path own = LocalSigningKey.defaultDirectory(invocation.environment()).resolve(LocalSigningKey.PUBLIC_FILE);
        if (Files.isRegularFile(own)) {
            keys.add(read(own));
        }
        for (Path file : keyFiles) {
            keys.add(read(file));
        }
        if (!kmsKeys.isEmpty()) {
            try (KmsClient kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
                for (String arn : kmsKeys) {
                    keys.add(KmsManifestSigner.publicKey(kms, arn));
                }
            }
        }
        return new ManifestTrust(TrustedKeys.of(keys), allowUnsigned, invocation.terminal()::error);
    }

    private static PublicKey read(Path file) {
        try {
            return SigningKeys.readPublic(Files.readString(file, StandardCharsets.US_ASCII), "--trusted-key " + file);
        } catch (IOException e) {
            throw new UsageError("--trusted-key " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }
}
