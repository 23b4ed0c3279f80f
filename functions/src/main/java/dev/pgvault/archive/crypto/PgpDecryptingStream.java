package dev.pgvault.archive.crypto;

import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.WrongKeyException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * The literal data of an OpenPGP message, decrypted as it is read. At the literal data's end, the
 * integrity packet (MDC) is checked before -1 is returned; any decoding failure on the way becomes a
 * named verdict ({@link DamageVerdict}). Opening checks, in order: the message's recipients are the
 * ones the manifest recorded (else altered), one of them has a secret key here (else wrong key), that
 * key unlocks (else wrong passphrase), its session key decrypts (else altered), and the data carries
 * an integrity packet (else refused).
 */
final class PgpDecryptingStream extends DecryptingStream {
    private static final String MODE = PgpParameters.MODE;
    /** OpenPGP packet tags that may start the decrypted content of a message from another tool. */
    private static final Set<Integer> FIRST_INNER_TAGS = Set.of(4 /* one-pass signature */, 8 /* compressed */, 11 /* literal */);

    private final CountingInputStream counted;
    private final InputStream decoded;
    private final PGPPublicKeyEncryptedData encrypted;
    private final InputStream literal;
    private final Long recordedBytes;
    private boolean ended;
    private PgvaultException failure;

    private PgpDecryptingStream(CountingInputStream counted, InputStream decoded, PGPPublicKeyEncryptedData encrypted,
            InputStream literal, Long recordedBytes) {
        this.counted = counted;
        this.decoded = decoded;
        this.encrypted = encrypted;
        this.literal = literal;
        this.recordedBytes = recordedBytes;
    }

    static PgpDecryptingStream open(CountingInputStream counted, PgpParameters recorded, PgpSecretKeys secretKeys,
            char[] keyPassphrase) throws IOException {
        InputStream decoded;
        List<PGPPublicKeyEncryptedData> sessions;
        try {
            decoded = PGPUtil.getDecoderStream(counted);
            sessions = publicKeySessions(new BcPGPObjectFactory(decoded), counted, recorded);
        } catch (IOException | RuntimeException e) {
            throw verdictFor(e, "it is not a readable OpenPGP message", counted, recorded.encryptedBytes());
        }
        checkRecipientsAreRecorded(sessions, recorded);

        PGPPublicKeyEncryptedData session = null;
        PGPKeyPair unlockedKey = null;
        for (PGPPublicKeyEncryptedData candidate : sessions) {
            PGPSecretKey secretKey = secretKeys.find(candidate.getKeyIdentifier().getKeyId());
            if (secretKey != null) {
                unlockedKey = PgpSecretKeys.unlock(secretKey, keyPassphrase);
                session = candidate;
                break;
            }
        }
        if (session == null) {
            throw new WrongKeyException("no secret key given opens this backup: it is encrypted to "
                    + describe(sessions, recorded) + "; the secret key given holds key ids " + secretKeys.keyIds());
        }
        String keyId = PgpRecipientKeys.keyIdHex(session.getKeyIdentifier().getKeyId());
        if (!session.isIntegrityProtected()) {
            throw new IntegrityException("the OpenPGP message has no integrity protection (a legacy packet without "
                    + "modification detection); it cannot be checked, so it is refused");
        }
        InputStream clear;
        try {
            clear = session.getDataStream(new PgpDataDecryptorFactory(unlockedKey));
        } catch (PGPException e) {
            throw DamageVerdict.of(MODE, "the session key encrypted to key " + keyId + " does not decrypt with that key",
                    counted, recorded.encryptedBytes(), e);
        } catch (RuntimeException e) {
            throw verdictFor(e, "its encrypted data cannot be read", counted, recorded.encryptedBytes());
        }
        try {
            InputStream literal = literalData(clear, recorded);
            return new PgpDecryptingStream(counted, decoded, session, literal, recorded.encryptedBytes());
        } catch (PGPException | IOException | RuntimeException e) {
            throw verdictFor(e, "its decrypted content is not an OpenPGP literal data packet", counted,
                    recorded.encryptedBytes());
        }
    }

    private static List<PGPPublicKeyEncryptedData> publicKeySessions(BcPGPObjectFactory factory,
            CountingInputStream counted, PgpParameters recorded) throws IOException {
        Object next = factory.nextObject();
        while (next instanceof PGPMarker) {
            next = factory.nextObject();
        }
        if (!(next instanceof PGPEncryptedDataList list)) {
            throw DamageVerdict.of(MODE, "it does not start with OpenPGP encrypted data", counted,
                    recorded.encryptedBytes(), null);
        }
        List<PGPPublicKeyEncryptedData> sessions = new ArrayList<>();
        for (PGPEncryptedData data : list) {
            if (data instanceof PGPPublicKeyEncryptedData publicKeyData) {
                sessions.add(publicKeyData);
            }
        }
        if (sessions.isEmpty()) {
            throw new WrongKeyException("the OpenPGP message is encrypted with a passphrase only, not to a public key; "
                    + "open it with gpg --decrypt");
        }
        return sessions;
    }

    /**
     * A message whose recipients differ from those its manifest records had its header altered (a
     * changed key id, a lost session key packet): say so, rather than "wrong key".
     */
    private static void checkRecipientsAreRecorded(List<PGPPublicKeyEncryptedData> sessions, PgpParameters recorded) {
        if (recorded.recipients().isEmpty()) {
            return;
        }
        Set<String> recordedIds = recorded.recipients().stream()
                .map(PgpParameters.PgpRecipient::keyId).collect(Collectors.toCollection(TreeSet::new));
        Set<String> messageIds = sessions.stream()
                .map(session -> PgpRecipientKeys.keyIdHex(session.getKeyIdentifier().getKeyId()))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!messageIds.equals(recordedIds)) {
            throw new TamperedBackupException("pgp-encrypted backup is encrypted to key ids " + messageIds
                    + " but its manifest records " + recordedIds + ": its header was altered");
        }
    }

    /** Descends to the literal data; what pgvault wrote holds exactly one, others may compress or sign around it. */
    private static InputStream literalData(InputStream clear, PgpParameters recorded) throws IOException, PGPException {
        // Refuse garbage before Bouncy Castle parses it: a random packet header may claim gigabytes.
        InputStream content = new BufferedInputStream(clear);
        content.mark(1);
        int first = content.read();
        content.reset();
        int tag = first < 0 ? -1 : (first & 0x40) != 0 ? first & 0x3f : (first >> 2) & 0x0f;
        boolean pgvaultWrote = recorded.cipher() != null;
        if (first < 0 || (first & 0x80) == 0 || (pgvaultWrote ? tag != 11 : !FIRST_INNER_TAGS.contains(tag))) {
            throw new IOException("decrypted content starts with an unexpected packet");
        }
        BcPGPObjectFactory factory = new BcPGPObjectFactory(content);
        Object next = factory.nextObject();
        if (next instanceof PGPCompressedData compressed) {
            factory = new BcPGPObjectFactory(compressed.getDataStream());
            next = factory.nextObject();
        }
        if (next instanceof PGPOnePassSignatureList) {
            next = factory.nextObject();
        }
        if (!(next instanceof PGPLiteralData literalData)) {
            throw new IOException("decrypted content holds no literal data");
        }
        return literalData.getInputStream();
    }

    private static String describe(List<PGPPublicKeyEncryptedData> sessions, PgpParameters recorded) {
        List<String> names = new ArrayList<>();
        for (PGPPublicKeyEncryptedData session : sessions) {
            String keyId = PgpRecipientKeys.keyIdHex(session.getKeyIdentifier().getKeyId());
            String userId = recorded.recipients().stream()
                    .filter(r -> r.keyId().equals(keyId) && r.userId() != null)
                    .map(r -> " (" + r.userId() + ")").findFirst().orElse("");
            names.add("key id " + keyId + userId);
        }
        return String.join(", ", names);
    }

    private static PgvaultException verdictFor(Exception e, String problem, CountingInputStream counted,
            Long recordedBytes) throws IOException {
        if (e instanceof PgvaultException named) {
            return named;
        }
        return DamageVerdict.of(MODE, problem, counted, recordedBytes, e);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (length == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        try {
            int n = literal.read(buffer, offset, length);
            if (n >= 0) {
                return n;
            }
            checkAtEnd();
            ended = true;
            return -1;
        } catch (IOException | RuntimeException e) {
            failure = verdictFor(e, "decryption failed", counted, recordedBytes);
            throw failure;
        }
    }

    /** The literal data ended: the integrity packet must match, and nothing may follow the message. */
    private void checkAtEnd() throws IOException {
        boolean intact;
        try {
            intact = encrypted.verify();
        } catch (PGPException e) {
            intact = false;
        }
        drainStored();
        if (recordedBytes != null && counted.count() < recordedBytes) {
            throw DamageVerdict.truncated(MODE, counted.count(), recordedBytes, null);
        }
        if (!intact) {
            throw new TamperedBackupException("pgp-encrypted backup fails its integrity check (modification "
                    + "detection code): its bytes differ from those written");
        }
        if (recordedBytes != null && counted.count() > recordedBytes) {
            throw new TamperedBackupException("pgp-encrypted backup is " + counted.count() + " bytes long, longer than the "
                    + recordedBytes + " its manifest records: bytes were added after the message");
        }
    }

    private void drainStored() throws IOException {
        byte[] discard = new byte[8192];
        while (decoded.read(discard, 0, discard.length) >= 0) {
            // the armor's tail, or bytes appended after the message
        }
        while (counted.read(discard, 0, discard.length) >= 0) {
            // whatever the armor decoder left unread
        }
    }

    @Override
    public void close() throws IOException {
        counted.close();
    }
}
