package dev.pgvault.cli;

import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.archive.signing.LocalSigningKey;
import dev.pgvault.archive.signing.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@code pgvault key export}: the public half of the manifest signing key, for restores elsewhere and openssl. */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "The key that signs backup manifests.",
        subcommands = KeyCommand.Export.class)
public final class KeyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the signing key's public half (PEM) on stdout, its fingerprint on stderr. Give it to"
                    + " `pgvault restore --trusted-key` elsewhere, or check a manifest by hand:"
                    + " openssl dgst -sha256 -verify key.pem -signature X.manifest.json.sig X.manifest.json")
    public static final class Export implements Callable<Integer> {
        private final Invocation invocation;

        @Option(names = "--signing-key", paramLabel = "DIR|kms:ARN",
                description = "Which key (default: the one `pgvault backup` uses on this machine).")
        String signingKey;

        public Export(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public Integer call() {
            PublicKey key;
            if (signingKey != null && signingKey.startsWith(SigningOptions.KMS_PREFIX)) {
                try (KmsClient kms = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).build()) {
                    key = KmsManifestSigner.publicKey(kms, signingKey.substring(SigningOptions.KMS_PREFIX.length()));
                }
            } else {
                Path directory = signingKey != null ? Path.of(signingKey)
                        : LocalSigningKey.defaultDirectory(invocation.environment());
                if (!Files.isRegularFile(directory.resolve(LocalSigningKey.PRIVATE_FILE))) {
                    throw new UsageError("no signing key in " + directory + ": `pgvault backup` creates one on first use");
                }
                key = LocalSigningKey.load(directory.resolve(LocalSigningKey.PRIVATE_FILE)).publicKey();
            }
            invocation.terminal().document(SigningKeys.publicPem(key).stripTrailing());
            invocation.terminal().error("fingerprint " + SigningKeys.fingerprint(key));
            return ExitCodes.OK;
        }
    }
}
