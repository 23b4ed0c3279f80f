package dev.pgvault.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.crypto.DecryptingStream;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.archive.crypto.EncryptingStream;
import dev.pgvault.archive.crypto.EncryptionParameters;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.StorageException;
import dev.pgvault.repository.BackupArtifacts;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.StoredObject;
import dev.pgvault.restore.ErasureStatements;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The GDPR erasure ledger of one repository ({@link BackupArtifacts#ERASURE_PREFIX}): the statements
 * that erase a subject, configured once, and one object per erasure, appended and never changed
 * ({@link BackupStore#putIfAbsent}, under Object Lock where the bucket has it). Every restore reads
 * both and applies every entry before the restored data is committed or seen ({@link LedgerApplier}).
 *
 * <p>An entry's key holds only its time and a random id; the subject is inside, encrypted with the
 * backups' encryptor when there is one (a restore, which has the backups' key, opens it). Stored as
 * <pre>
 * {"format":1,"id":"…","recordedAt":"…","encryption":{"mode":"none"},"entry":{"subject":…,"recordedBy":…,"reason":…}}
 * {"format":1,"id":"…","recordedAt":"…","encryption":{"mode":"openssl",…},"sealed":"base64 of the encrypted entry"}
 * </pre>
 */
public final class ErasureLedger {
    static final int FORMAT = 1;
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = ManifestCodec.mapper();

    /** An entry as the listing shows it: no subject. */
    public record Listed(String key, String id, Instant recordedAt) {}

    private final BackupStore store;
    private final Clock clock;

    public ErasureLedger(BackupStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public String location() {
        return store.location() + "/" + BackupArtifacts.ERASURE_PREFIX;
    }

    /** Checks and stores the statements (replacing earlier ones); returns them parsed. Bad SQL changes nothing. */
    public ErasureStatements configure(String sql) {
        ErasureStatements parsed = ErasureStatements.parse(sql);
        store.put(BackupArtifacts.ERASURE_STATEMENTS, sql.getBytes(StandardCharsets.UTF_8));
        return parsed;
    }

    /** The configured statements, checked again as read (the repository may have been written by hand). */
    public Optional<ErasureStatements> statements() {
        if (store.stat(BackupArtifacts.ERASURE_STATEMENTS).isEmpty()) {
            return Optional.empty();
        }
        String sql = new String(store.read(BackupArtifacts.ERASURE_STATEMENTS), StandardCharsets.UTF_8);
        try {
            return Optional.of(ErasureStatements.parse(sql));
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(location() + BackupArtifacts.ERASURE_STATEMENTS.substring(
                    BackupArtifacts.ERASURE_PREFIX.length()) + " is not valid: " + e.getMessage()
                    + "; fix it with `pgvault erase configure`");
        }
    }

    /**
     * Appends an erasure. Refused (nothing written) without configured statements, since an entry
     * nothing can apply would only look like an erasure.
     */
    public Listed append(String subject, String recordedBy, String reason, Encryptor encryptor) {
        require(subject, "the subject");
        require(recordedBy, "who records it");
        require(reason, "the reason");
        if (statements().isEmpty()) {
            throw new InvalidRequestException("no erasure statements are configured in " + store.location()
                    + ": run `pgvault erase configure --sql FILE` first; nothing was recorded");
        }
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString().replace("-", "");
        String key = BackupArtifacts.erasureEntryKey(STAMP.format(now), id, encryptor.mode());
        ObjectNode inner = JSON.createObjectNode();
        inner.put("subject", subject);
        inner.put("recordedBy", recordedBy);
        inner.put("reason", reason);
        ObjectNode outer = JSON.createObjectNode();
        outer.put("format", FORMAT);
        outer.put("id", id);
        outer.put("recordedAt", now.toString());
        try {
            byte[] plain = JSON.writeValueAsBytes(inner);
            if (encryptor.mode().equals("none")) {
                outer.set("encryption", JSON.valueToTree(encryptionOf(encryptor, plain).parameters()));
                outer.set("entry", inner);
            } else {
                Sealed sealed = encryptionOf(encryptor, plain);
                outer.set("encryption", JSON.valueToTree(sealed.parameters()));
                outer.put("sealed", Base64.getEncoder().encodeToString(sealed.bytes()));
            }
            if (store.putIfAbsent(key, JSON.writeValueAsBytes(outer)).isEmpty()) {
                throw new StorageException("an erasure entry " + key + " already exists; nothing was recorded", true, null);
            }
        } catch (IOException e) {
            throw new PgvaultException("could not encrypt the erasure entry: " + e.getMessage()
                    + "; nothing was recorded", e);
        }
        return new Listed(key, id, now);
    }

    /** The entries' keys, ids and times, oldest first, without opening any. */
    public List<Listed> list() {
        List<Listed> listed = new ArrayList<>();
        for (StoredObject object : store.list(BackupArtifacts.ERASURE_ENTRIES)) {
            if (!BackupArtifacts.isErasureEntry(object.key())) {
                continue; // something else under the prefix is not an erasure
            }
            String name = object.key().substring(BackupArtifacts.ERASURE_ENTRIES.length());
            Instant at = STAMP.parse(name.substring(0, name.indexOf('-')), Instant::from);
            String id = name.substring(name.indexOf('-') + 1, name.indexOf(".json"));
            listed.add(new Listed(object.key(), id, at));
        }
        return listed;
    }

    /** Every entry, opened with {@code decryptor}; an entry that cannot be opened fails the read (naming its key). */
    public List<ErasureEntry> entries(Decryptor decryptor) {
        List<ErasureEntry> entries = new ArrayList<>();
        for (Listed listed : list()) {
            entries.add(open(listed, decryptor));
        }
        return entries;
    }

    private ErasureEntry open(Listed listed, Decryptor decryptor) {
        byte[] stored = store.read(listed.key());
        try {
            JsonNode outer = JSON.readTree(stored);
            if (outer == null || outer.path("format").asInt() != FORMAT) {
                throw new PgvaultException("erasure entry " + listed.key() + " has an unknown format (this pgvault reads "
                        + FORMAT + ")");
            }
            JsonNode inner = outer.get("entry");
            if (outer.has("sealed")) {
                EncryptionParameters parameters = JSON.treeToValue(outer.get("encryption"), EncryptionParameters.class);
                byte[] sealed = Base64.getDecoder().decode(outer.get("sealed").asText());
                try (DecryptingStream plain = decryptor.decrypt(new ByteArrayInputStream(sealed), parameters)) {
                    byte[] bytes = plain.readAllBytes();
                    plain.verifyToEnd();
                    inner = JSON.readTree(bytes);
                }
            }
            if (inner == null || !inner.hasNonNull("subject") || !outer.hasNonNull("id")
                    || !listed.id().equals(outer.get("id").asText())) {
                throw new PgvaultException("erasure entry " + listed.key() + " is incomplete or does not match its key");
            }
            return new ErasureEntry(listed.id(), inner.get("subject").asText(), listed.recordedAt(),
                    inner.path("recordedBy").asText(null), inner.path("reason").asText(null));
        } catch (IOException | IllegalArgumentException e) {
            throw new PgvaultException("erasure entry " + listed.key() + " cannot be read: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        } catch (PgvaultException e) {
            if (e.getMessage() != null && e.getMessage().contains(listed.key())) {
                throw e;
            }
            // a wrong key or damaged bytes: say which entry, keep the named exception's class
            throw new PgvaultException("erasure entry " + listed.key() + " cannot be opened: " + e.getMessage()
                    + " (give the key the backups are encrypted with)", e);
        }
    }

    private record Sealed(byte[] bytes, EncryptionParameters parameters) {}

    private static Sealed encryptionOf(Encryptor encryptor, byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EncryptingStream encrypting = encryptor.encrypt(out);
        encrypting.write(plain);
        encrypting.close();
        return new Sealed(out.toByteArray(), encrypting.parameters());
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(what + " is required; nothing was recorded");
        }
    }
}
