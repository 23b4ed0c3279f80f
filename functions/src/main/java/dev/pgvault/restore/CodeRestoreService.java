package dev.pgvault.restore;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.VerifyingInputStream;
import dev.pgvault.archive.crypto.DecryptingStream;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.code.BundleClone;
import dev.pgvault.code.TarballExtract;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.TargetNotEmptyException;
import dev.pgvault.repository.ArtifactCatalog;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.ArtifactType;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.verify.UploadManifests;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.TreeSet;

/**
 * Restores a source-code backup into a new directory: a working repository cloned from the
 * bundle (every branch and tag, the default branch checked out), or the tarball unpacked. The
 * work happens in a directory beside the target, renamed into place only once the object was
 * read to its end and found intact: a failure leaves no directory that looks restored.
 */
public final class CodeRestoreService {
    private final BackupStore store;
    private final TrustedKeys trusted;

    public CodeRestoreService(BackupStore store, TrustedKeys trusted) {
        this.store = store;
        this.trusted = trusted;
    }

    /** @param files the tarball's files (0 for a bundle) */
    public record Report(String key, Path directory, UploadManifest.GitRef head, int refs, int files) {}

    /**
     * @param keyOrLatest a code key, or "latest"
     * @param name        which code's latest backup (may be null when the repository holds one code name)
     * @param tarball     restore the tarball rather than the bundle (taken from the key when one is given)
     */
    public Report restore(String keyOrLatest, String name, boolean tarball, Path to, Decryptor decryptor) {
        ArtifactKey key = resolve(keyOrLatest, name, tarball);
        Path target = to.toAbsolutePath().normalize();
        checkEmpty(target);
        UploadManifest manifest = UploadManifests.read(store, key.key(), trusted);
        Path parent = target.getParent();
        Path work;
        try {
            Files.createDirectories(parent);
            work = Files.createTempDirectory(parent, "." + target.getFileName() + ".pgvault-partial-");
        } catch (IOException e) {
            throw new PgvaultException("could not make a directory beside " + target + ": " + e.getMessage(), e);
        }
        try {
            int files = 0;
            Path tree = work.resolve("tree");
            if (key.form() == ArtifactKey.Form.CODE_TARBALL) {
                Files.createDirectory(tree);
                files = read(key, manifest, decryptor, in -> TarballExtract.extract(in, tree));
            } else {
                Path bundle = work.resolve("source.bundle");
                read(key, manifest, decryptor, in -> {
                    try (OutputStream out = Files.newOutputStream(bundle)) {
                        in.transferTo(out);
                    }
                    return 0;
                });
                BundleClone.clone(bundle, tree, manifest.head(), manifest.source());
            }
            if (Files.isDirectory(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
            return new Report(key.key(), target, manifest.head(), manifest.refs() == null ? 0 : manifest.refs().size(),
                    files);
        } catch (IOException e) {
            throw new PgvaultException("could not restore " + key + " into " + target + ": " + e.getMessage(), e);
        } finally {
            dev.pgvault.code.ScratchDirectory.delete(work);
        }
    }

    @FunctionalInterface
    private interface Consumer {
        int accept(InputStream plaintext) throws IOException;
    }

    /** Streams the object's plaintext to {@code consumer}, then checks it was whole and untouched. */
    private int read(ArtifactKey key, UploadManifest manifest, Decryptor decryptor, Consumer consumer)
            throws IOException {
        try (VerifyingInputStream stored = new VerifyingInputStream(new BufferedInputStream(store.open(key.key()),
                1 << 16), manifest.sha256(), manifest.storedBytes(), key.key())) {
            DecryptingStream plain = decryptor.decrypt(stored, manifest.encryption());
            InputStream content = key.form().compressed() ? Compression.GZIP.decompress(plain) : plain;
            int result = consumer.accept(content);
            content.transferTo(OutputStream.nullOutputStream());
            plain.verifyToEnd();
            stored.verify();
            return result;
        }
    }

    private ArtifactKey resolve(String keyOrLatest, String name, boolean tarball) {
        ArtifactCatalog catalog = new ArtifactCatalog(store);
        ArtifactKey.Form form = tarball ? ArtifactKey.Form.CODE_TARBALL : ArtifactKey.Form.CODE_BUNDLE;
        if (!BackupCatalog.LATEST.equals(keyOrLatest)) {
            ArtifactKey given = ArtifactKey.parse(keyOrLatest).filter(k -> k.type() == ArtifactType.CODE)
                    .orElseThrow(() -> new InvalidRequestException("'" + keyOrLatest + "' is not a code backup key"
                            + " (like code/auth-service-2026-11-24.bundle); `pgvault list --type code` shows them"));
            if (tarball && given.form() != ArtifactKey.Form.CODE_TARBALL) {
                throw new InvalidRequestException("--tarball was given but " + keyOrLatest + " is a bundle");
            }
            return catalog.resolve(keyOrLatest, given.form(), given.name());
        }
        String codeName = name;
        if (codeName == null || codeName.isBlank()) {
            TreeSet<String> names = new TreeSet<>();
            catalog.list(ArtifactType.CODE).forEach(e -> names.add(e.key().name()));
            if (names.isEmpty()) {
                throw new BackupNotFoundException("there are no complete code backups in " + store.location());
            }
            if (names.size() > 1) {
                throw new InvalidRequestException("'latest' needs the code's name: " + store.location()
                        + " holds code backups of " + String.join(", ", names));
            }
            codeName = names.first();
        }
        return catalog.resolve(BackupCatalog.LATEST, form, codeName);
    }

    private static void checkEmpty(Path target) {
        if (!Files.exists(target)) {
            return;
        }
        try (var entries = Files.list(target)) {
            if (!Files.isDirectory(target) || entries.findAny().isPresent()) {
                throw new TargetNotEmptyException(target + " exists and is not an empty directory; give a new one");
            }
        } catch (IOException e) {
            throw new PgvaultException("could not read " + target + ": " + e.getMessage(), e);
        }
    }
}
