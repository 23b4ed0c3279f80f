package dev.pgvault.archive.crypto;

import dev.pgvault.errors.EncryptionKeyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;

/**
 * Reads recipient certificates (public keys as {@code gpg --export [--armor]} writes them) and picks
 * the keys to encrypt to: every encryption-capable key of each certificate that is valid now, as
 * Bouncy Castle's certificate evaluation judges it (self-signatures checked, expiry and revocation
 * honoured). All of them, not only the newest, so whichever subkey the holder kept opens the backup.
 */
final class PgpRecipientKeys {
    private PgpRecipientKeys() {
    }

    static List<PgpRecipientKey> parse(List<byte[]> certificates) {
        if (certificates == null || certificates.isEmpty()) {
            throw new EncryptionKeyException("pgp encryption needs at least one recipient public key");
        }
        OpenPGPKeyReader reader = new OpenPGPKeyReader(new BcOpenPGPImplementation());
        Map<String, PgpRecipientKey> byKeyId = new LinkedHashMap<>();
        for (int i = 0; i < certificates.size(); i++) {
            String which = "recipient key #" + (i + 1);
            for (OpenPGPCertificate certificate : read(reader, certificates.get(i), which)) {
                for (PgpRecipientKey key : encryptionKeys(certificate, which)) {
                    byKeyId.putIfAbsent(key.description().keyId(), key);
                }
            }
        }
        return List.copyOf(byKeyId.values());
    }

    private static List<OpenPGPCertificate> read(OpenPGPKeyReader reader, byte[] material, String which) {
        List<OpenPGPCertificate> read;
        try {
            read = reader.parseKeysOrCertificates(material);
        } catch (IOException | RuntimeException e) {
            throw new EncryptionKeyException(which + " is not an OpenPGP public key (armored or binary, as gpg --export writes it)");
        }
        if (read.isEmpty()) {
            throw new EncryptionKeyException(which + " holds no OpenPGP public key");
        }
        for (OpenPGPCertificate certificate : read) {
            if (certificate.isSecretKey()) {
                // The backup function should be unable to read what it writes: it must not hold a secret key.
                throw new EncryptionKeyException(which + " is a secret key; give the public key instead (gpg --export)");
            }
        }
        return read;
    }

    private static List<PgpRecipientKey> encryptionKeys(OpenPGPCertificate certificate, String which) {
        String certificateFingerprint = hex(certificate.getFingerprint());
        String userId = certificate.getPrimaryUserId() == null ? null : certificate.getPrimaryUserId().getUserId();
        List<OpenPGPComponentKey> keys = certificate.getEncryptionKeys();
        if (keys.isEmpty()) {
            throw new EncryptionKeyException(which + " (" + certificateFingerprint + (userId == null ? "" : ", " + userId)
                    + ") has no valid encryption key: expired, revoked, or for signing only");
        }
        List<PgpRecipientKey> recipients = new ArrayList<>();
        for (OpenPGPComponentKey key : keys) {
            recipients.add(new PgpRecipientKey(key.getPGPPublicKey(), new PgpParameters.PgpRecipient(
                    keyIdHex(key.getKeyIdentifier().getKeyId()), hex(key.getPGPPublicKey().getFingerprint()),
                    certificateFingerprint, userId)));
        }
        return recipients;
    }

    /** A key id the way gpg prints it. */
    static String keyIdHex(long keyId) {
        return String.format(Locale.ROOT, "%016X", keyId);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }
}
