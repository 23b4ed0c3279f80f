package dev.pgvault.archive.signing;

import dev.pgvault.errors.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;

/**
 * A signing key pair in files on the machine that takes backups (the CLI's default, for local
 * repositories and CronJobs): {@code signing-key.pem} (PKCS#8, readable by its owner only) and
 * {@code signing-key.pub.pem} beside it, which is what a restore elsewhere needs.
 */
public final class LocalSigningKey implements ManifestSigner {
    public static final String PRIVATE_FILE = "signing-key.pem";
    public static final String PUBLIC_FILE = "signing-key.pub.pem";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private LocalSigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** {@code $XDG_CONFIG_HOME/pgvault/signing}, else {@code ~/.config/pgvault/signing}. */
    public static Path defaultDirectory(java.util.Map<String, String> environment) {
        String config = environment.get("XDG_CONFIG_HOME");
        Path base = config != null && !config.isBlank() ? Path.of(config)
                : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("pgvault").resolve("signing");
    }

    /**
     * Loads the key pair in {@code directory} (e.g. {@code ~/.config/pgvault/signing}), creating it
     * first if there is none; {@code created} is told, so the caller can say where it is.
     */
    public static LocalSigningKey loadOrCreate(Path directory, Runnable created) {
        Path privateFile = directory.resolve(PRIVATE_FILE);
        if (!Files.exists(privateFile)) {
            try {
                generate(directory);
                created.run();
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } catch (IOException e) {
                throw new ConfigurationException("could not create a signing key in " + directory + ": " + e.getMessage());
            }
        }
        return load(privateFile);
    }

    /** Loads a private key file; its public key is derived from it. */
    public static LocalSigningKey load(Path privateFile) {
        String pem;
        try {
            pem = Files.readString(privateFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the signing key " + privateFile + ": " + e.getMessage());
        }
        PrivateKey privateKey = SigningKeys.readPrivate(pem, "signing key " + privateFile);
        Path publicFile = privateFile.resolveSibling(PUBLIC_FILE);
        try {
            PublicKey publicKey = SigningKeys.readPublic(Files.readString(publicFile, StandardCharsets.US_ASCII),
                    "public signing key " + publicFile);
            LocalSigningKey key = new LocalSigningKey(privateKey, publicKey);
            if (!SigningKeys.verifies(publicKey, new byte[] {1}, key.sign(new byte[] {1}))) {
                throw new ConfigurationException(publicFile + " is not the public half of " + privateFile);
            }
            return key;
        } catch (IOException e) {
            throw new ConfigurationException("cannot read " + publicFile + " (the public half of " + privateFile + "): "
                    + e.getMessage());
        }
    }

    /**
     * Writes both halves into a fresh sibling directory, then renames it to {@code directory} in
     * one step: two processes creating a key at once end with one complete pair, never a mix.
     */
    private static void generate(Path directory) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        Path parent = directory.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, ".pgvault-signing-");
        try {
            Files.writeString(staging.resolve(PUBLIC_FILE), SigningKeys.publicPem(pair.getPublic()),
                    StandardCharsets.US_ASCII);
            Path privateFile = staging.resolve(PRIVATE_FILE);
            Files.writeString(privateFile, SigningKeys.privatePem((ECPrivateKey) pair.getPrivate()),
                    StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the user profile's ACLs apply
            }
            try {
                Files.move(staging, directory, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.DirectoryNotEmptyException | FileAlreadyExistsException raced) {
                throw new FileAlreadyExistsException(directory.toString());
            }
        } finally {
            if (Files.exists(staging)) {
                try (var files = Files.list(staging)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(file);
                    }
                }
                Files.deleteIfExists(staging);
            }
        }
    }

    @Override
    public String keyId() {
        return SigningKeys.fingerprint(publicKey);
    }

    @Override
    public byte[] sign(byte[] manifest) {
        try {
            Signature signer = Signature.getInstance(SigningKeys.ALGORITHM);
            signer.initSign(privateKey);
            signer.update(manifest);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }
}
