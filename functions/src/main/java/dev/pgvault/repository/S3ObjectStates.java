package dev.pgvault.repository;

import dev.pgvault.errors.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * {@link ObjectStates} of an {@link S3Store}'s bucket: HEAD for class, retention and restore state,
 * object tagging, PutObjectRetention, and deletes by version id (a delete by key in a versioned bucket
 * only adds a delete marker and leaves the version billed). Before deleting, every version's
 * retention is read, so a locked version is never sent a delete: S3 would refuse it, and a run that
 * tried daily would fill the logs with the same refusal.
 */
final class S3ObjectStates implements ObjectStates {
    private final S3Store store;
    private final S3Client s3;
    private final String bucket;

    S3ObjectStates(S3Store store, S3Client s3, String bucket) {
        this.store = store;
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public Optional<ObjectState> state(String key) {
        return state(key, true);
    }

    @Override
    public Optional<ObjectState> stateWithoutTags(String key) {
        return state(key, false);
    }

    private Optional<ObjectState> state(String key, boolean withTags) {
        Optional<HeadObjectResponse> head = store.head(key);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        HeadObjectResponse h = head.get();
        String storageClass = h.storageClassAsString() == null ? "STANDARD" : h.storageClassAsString();
        return Optional.of(new ObjectState(storageClass, withTags ? tags(key) : Map.of(), h.objectLockRetainUntilDate(),
                retrieval(storageClass, h.restore())));
    }

    static Retrieval retrieval(String storageClass, String restore) {
        if (!storageClass.equals("GLACIER") && !storageClass.equals("DEEP_ARCHIVE")) {
            return Retrieval.NOT_ARCHIVED;
        }
        if (restore == null) {
            return Retrieval.ARCHIVED;
        }
        return restore.contains("ongoing-request=\"true\"") ? Retrieval.IN_PROGRESS : Retrieval.RESTORED;
    }

    /**
     * The object's tags. S3 reads the tags of archived objects; moto answers InvalidObjectState, which
     * is read here as "no tags known" rather than a failure, so that a listing still shows the object.
     */
    private Map<String, String> tags(String key) {
        Map<String, String> tags = new LinkedHashMap<>();
        try {
            s3.getObjectTagging(b -> b.bucket(bucket).key(store.fullKey(key))).tagSet()
                    .forEach(t -> tags.put(t.key(), t.value()));
        } catch (S3Exception e) {
            if (e.statusCode() == 403 && e.awsErrorDetails() != null
                    && "InvalidObjectState".equals(e.awsErrorDetails().errorCode())) {
                return tags;
            }
            throw store.failure("could not read the tags of " + key, e);
        } catch (SdkException e) {
            throw store.failure("could not read the tags of " + key, e);
        }
        return tags;
    }

    @Override
    public void putTags(String key, Map<String, String> tags) {
        Map<String, String> merged = new LinkedHashMap<>(tags(key));
        merged.putAll(tags);
        List<Tag> tagSet = merged.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
        call("tag " + key, () -> s3.putObjectTagging(b -> b.bucket(bucket).key(store.fullKey(key))
                .tagging(t -> t.tagSet(tagSet))));
    }

    @Override
    public void extendRetention(String key, Instant until) {
        HeadObjectResponse head = store.head(key).orElseThrow(() -> new StorageException(
                "cannot extend the retention of " + key + ": no such object in " + store.location(), false, null));
        if (head.objectLockRetainUntilDate() != null && !head.objectLockRetainUntilDate().isBefore(until)) {
            return; // never shortened; already long enough
        }
        ObjectLockRetentionMode mode = head.objectLockMode() == ObjectLockMode.COMPLIANCE
                ? ObjectLockRetentionMode.COMPLIANCE : ObjectLockRetentionMode.GOVERNANCE;
        call("extend the retention of " + key, () -> s3.putObjectRetention(b -> b.bucket(bucket)
                .key(store.fullKey(key)).versionId(head.versionId())
                .retention(r -> r.mode(mode).retainUntilDate(until))));
    }

    @Override
    public Removal deleteAllVersions(String key, Instant now) {
        String objectKey = store.fullKey(key);
        List<String> versions = new ArrayList<>();
        List<String> markers = new ArrayList<>();
        call("list the versions of " + key, () -> {
            s3.listObjectVersionsPaginator(ListObjectVersionsRequest.builder().bucket(bucket).prefix(objectKey).build())
                    .forEach(page -> {
                        page.versions().stream().filter(v -> v.key().equals(objectKey)).forEach(v -> versions.add(v.versionId()));
                        page.deleteMarkers().stream().filter(m -> m.key().equals(objectKey))
                                .forEach(m -> markers.add(m.versionId()));
                    });
            return null;
        });
        if (versions.isEmpty() && markers.isEmpty()) {
            return new Removal(Removal.Outcome.ABSENT, null, "no version of " + key);
        }
        Instant lockedUntil = null;
        for (String version : versions) {
            Instant until = retainUntil(objectKey, version);
            if (until != null && until.isAfter(now) && (lockedUntil == null || until.isAfter(lockedUntil))) {
                lockedUntil = until;
            }
        }
        if (lockedUntil != null) {
            return new Removal(Removal.Outcome.LOCKED, lockedUntil, key + " is under Object Lock until " + lockedUntil);
        }
        List<String> all = new ArrayList<>(versions);
        all.addAll(markers);
        for (String version : all) {
            try {
                s3.deleteObject(b -> b.bucket(bucket).key(objectKey).versionId(version));
            } catch (S3Exception e) {
                if (e.statusCode() == 403) {
                    return new Removal(Removal.Outcome.REFUSED, null, "S3 refused to delete " + key + " ("
                            + S3Store.describe(e) + "): a legal hold, a retention set since, or the policy");
                }
                throw store.failure("could not delete " + key, e);
            } catch (SdkException e) {
                throw store.failure("could not delete " + key, e);
            }
        }
        return new Removal(Removal.Outcome.DELETED, null, "deleted " + all.size() + " version(s) of " + key);
    }

    /**
     * The version's retain-until date (HEAD of the version, which shows it to a role allowed
     * {@code s3:GetObjectRetention}); null when it has none. GetObjectRetention itself is not used:
     * moto answers it for a version without retention with the object's bytes.
     */
    private Instant retainUntil(String objectKey, String version) {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(objectKey).versionId(version)).objectLockRetainUntilDate();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 405) {
                return null; // gone meanwhile, or a delete marker
            }
            throw store.failure("could not read the retention of " + objectKey, e);
        } catch (SdkException e) {
            throw store.failure("could not read the retention of " + objectKey, e);
        }
    }

    @Override
    public void requestRestore(String key, int days, String tier) {
        Tier s3Tier = Tier.fromValue(tier);
        if (s3Tier == Tier.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("retrieval tier must be Expedited, Standard or Bulk, got '" + tier + "'");
        }
        try {
            s3.restoreObject(b -> b.bucket(bucket).key(store.fullKey(key))
                    .restoreRequest(r -> r.days(days).glacierJobParameters(g -> g.tier(s3Tier))));
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (e.statusCode() == 409 && "RestoreAlreadyInProgress".equals(code)) {
                return; // asked before: the same retrieval is under way
            }
            throw store.failure("could not request the retrieval of " + key, e);
        } catch (SdkException e) {
            throw store.failure("could not request the retrieval of " + key, e);
        }
    }

    private <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkException e) {
            throw store.failure("could not " + what, e);
        }
    }
}
