package dev.pgvault.backup;

import dev.pgvault.Version;
import dev.pgvault.archive.BackupStream;
import dev.pgvault.archive.Compression;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.UploadManifestCodec;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.signing.ManifestSigner;
import dev.pgvault.archive.signing.SigningKeys;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.LockLostException;
import dev.pgvault.errors.ObjectExistsException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.StorageException;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.PendingObject;
import dev.pgvault.run.Cancellation;
import dev.pgvault.verify.UploadManifests;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one configuration or code backup the way a database backup is written: under the key's
 * lock, streamed through compression (unless the content is compressed already), encryption and
 * hashing into an upload that becomes visible only once complete, then the manifest's signature,
 * then the manifest, each never over another. A duplicate delivery finds the signed manifest
 * and stands down; a failure anywhere leaves nothing that looks like a backup.
 */
public final class ArtifactWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactWriter.class);

    /** Writes the backup's plaintext to {@code out} and says what it wrote. */
    @FunctionalInterface
    public interface Producer {
        UploadManifest.Contents write(OutputStream out) throws IOException;
    }

    private final BackupStore store;
    private final ManifestSigner signer;
    private final Clock clock;
    private final LeaseTimes leaseTimes;

    public ArtifactWriter(BackupStore store, ManifestSigner signer, Clock clock, LeaseTimes leaseTimes) {
        this.store = store;
        this.signer = signer;
        this.clock = clock;
        this.leaseTimes = leaseTimes;
    }

    public BackupStore store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }

    /** Whether a complete backup is under {@code key} already (its manifest exists). */
    public boolean complete(ArtifactKey key) {
        return store.stat(key.manifestKey()).isPresent();
    }

    public UploadOutcome write(ArtifactKey key, String owner, Encryptor encryptor, int level, Producer producer,
                               Cancellation cancellation) {
        cancellation.check();
        if (complete(key)) {
            return alreadyComplete(key);
        }
        BackupLock lock;
        try {
            lock = BackupLock.acquire(store, key.lockKey(), UUID.randomUUID().toString(), owner, clock, leaseTimes,
                    () -> { }, cancellation);
        } catch (BackupLock.Held held) {
            LOG.info("backup {} is being written by another run ({}); standing down", key, held.getMessage());
            return new UploadOutcome(BackupOutcome.Status.HELD, key.key(), null, held.holder());
        }
        try (lock) {
            if (complete(key)) {
                return alreadyComplete(key);
            }
            removeOrphans(key);
            UploadManifest manifest = upload(key, encryptor, level, producer, lock, cancellation);
            LOG.info("backup {} written: {} bytes stored", key, manifest.storedBytes());
            return new UploadOutcome(BackupOutcome.Status.WRITTEN, key.key(), manifest, null);
        }
    }

    private UploadOutcome alreadyComplete(ArtifactKey key) {
        UploadManifest existing;
        try {
            existing = UploadManifests.read(store, key.key(), TrustedKeys.of(List.of(signer.publicKey())));
        } catch (IntegrityException e) {
            throw new IntegrityException("a manifest this deployment did not sign is already under " + key + " ("
                    + e.getMessage() + "). It is not taken as today's backup: check who wrote it, remove it and its"
                    + " object, then run again", e);
        }
        LOG.info("backup {} already exists; nothing to do", key);
        return new UploadOutcome(BackupOutcome.Status.ALREADY_COMPLETE, key.key(), existing, null);
    }

    /** An object or signature without a manifest, found under the lock, was left by a run that died. */
    private void removeOrphans(ArtifactKey key) {
        store.abortUnfinished(key.key());
        for (String orphan : List.of(key.key(), key.signatureKey())) {
            if (store.stat(orphan).isPresent()) {
                LOG.warn("removing {}: an interrupted run left it without a manifest", orphan);
                try {
                    store.delete(orphan);
                } catch (StorageException e) {
                    throw new StorageException("backup " + key + ": an interrupted run left " + orphan + " without a"
                            + " manifest, and this run may not delete it (" + e.getMessage() + "); nothing was"
                            + " written. Remove it as an operator, then run again", false, e);
                }
            }
        }
    }

    private UploadManifest upload(ArtifactKey key, Encryptor encryptor, int level, Producer producer,
                                  BackupLock lock, Cancellation cancellation) {
        Instant started = clock.instant();
        PendingObject pending = store.create(key.key(), -1);
        try {
            BackupStream stream = open(key, pending, encryptor, level);
            UploadManifest.Contents contents;
            BackupStream.Totals totals;
            try {
                contents = producer.write(stream.sql());
                totals = stream.finish();
            } catch (IOException e) {
                stream.abort();
                throw new PgvaultException("backup " + key + ": the stream failed: " + e.getMessage()
                        + "; nothing was stored under that key", e);
            } catch (RuntimeException e) {
                stream.abort();
                throw e;
            }
            cancellation.check();
            String lost = lock.confirm();
            if (lost != null) {
                throw new LockLostException("backup " + key + " stopped before committing: " + lost
                        + "; nothing was stored under that key by this run", null);
            }
            pending.commit();
            Instant finished = clock.instant();
            UploadManifest manifest = new UploadManifest(UploadManifest.FORMAT_VERSION, "pgvault " + Version.current(),
                    key.type().id(), key.key(), key.name(), contents.source(), started, finished,
                    Duration.between(started, finished).toMillis(), totals.rawBytes(), totals.storedBytes(),
                    totals.sha256(), key.form().compressed()
                            ? new Manifest.CompressionInfo(Compression.GZIP.id(), level) : null,
                    totals.encryption(), contents.objects(), contents.refs(), contents.head(), contents.leftOut(),
                    new Manifest.Signing(SigningKeys.ALGORITHM_ID, signer.keyId()));
            writeManifest(key, manifest);
            return manifest;
        } finally {
            pending.abort(); // no-op after a commit
        }
    }

    private static BackupStream open(ArtifactKey key, PendingObject pending, Encryptor encryptor, int level) {
        try {
            return key.form().compressed()
                    ? BackupStream.open(pending, Compression.GZIP, level, encryptor)
                    : BackupStream.openUncompressed(pending, encryptor);
        } catch (IOException e) {
            throw new PgvaultException("backup " + key + ": could not start the stream: " + e.getMessage(), e);
        }
    }

    /** Signature, then manifest, each never over another; without its manifest the object is removed. */
    private void writeManifest(ArtifactKey key, UploadManifest manifest) {
        byte[] encoded = UploadManifestCodec.encode(manifest);
        try {
            if (store.putIfAbsent(key.signatureKey(), signer.sign(encoded)).isEmpty()
                    || store.putIfAbsent(key.manifestKey(), encoded).isEmpty()) {
                throw new ObjectExistsException("another run wrote the manifest or signature of " + key
                        + " while this run held the lock; left as they are for inspection");
            }
        } catch (ObjectExistsException e) {
            throw e;
        } catch (StorageException e) {
            try {
                store.delete(key.key());
                store.delete(key.signatureKey());
            } catch (RuntimeException ignored) {
                // an object without a manifest lists as incomplete anyway
            }
            throw e;
        }
    }
}
