package dev.pgvault.archive.crypto;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pgvault.errors.InvalidRequestException;
import java.util.List;

/**
 * An OpenPGP message (RFC 4880 / 9580) as pgvault writes it: AES-256, a symmetrically encrypted
 * integrity-protected data packet version 1 (with its modification detection code, which gpg 2.2
 * and later require), no compression inside (the data is gzip already), to one or more public keys.
 *
 * @param cipher         {@code aes-256} for what pgvault writes; null for a message another tool wrote
 * @param integrity      {@code seipd-v1-mdc} for what pgvault writes; null for a message another tool wrote
 * @param recipients     the keys the message is encrypted to; any one of their secret keys opens it.
 *                       Empty if not recorded.
 * @param encryptedBytes length of the stored object; null if not recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PgpParameters(String cipher, String integrity, List<PgpRecipient> recipients, Long encryptedBytes)
        implements EncryptionParameters {

    public static final String MODE = "pgp";
    public static final String CIPHER = "aes-256";
    public static final String INTEGRITY = "seipd-v1-mdc";

    public PgpParameters {
        // Null only for a message some other tool wrote (see unrecorded()).
        if ((cipher != null && !CIPHER.equals(cipher)) || (integrity != null && !INTEGRITY.equals(integrity))) {
            throw new InvalidRequestException("pgp-mode cipher '" + cipher + "' with integrity '" + integrity
                    + "' is not supported; this version reads '" + CIPHER + "' with '" + INTEGRITY + "'");
        }
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    static PgpParameters recorded(List<PgpRecipient> recipients, long encryptedBytes) {
        return new PgpParameters(CIPHER, INTEGRITY, recipients, encryptedBytes);
    }

    /**
     * For a message some other tool wrote ({@code gpg --encrypt}), with no manifest: whatever cipher
     * and compression it used are accepted, but an integrity packet is still required.
     */
    public static PgpParameters unrecorded() {
        return new PgpParameters(null, null, List.of(), null);
    }

    @Override
    public String mode() {
        return MODE;
    }

    /**
     * One key a message is encrypted to, named the ways {@code gpg} shows it. Public information only.
     *
     * @param keyId                  16 hex digits of the encryption (sub)key, as in the message and in
     *                               gpg's "encrypted with ... key, ID ..."
     * @param fingerprint            fingerprint of that encryption (sub)key
     * @param certificateFingerprint fingerprint of the primary key, as {@code gpg --list-keys} shows
     * @param userId                 the certificate's primary user id, for people; may be null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PgpRecipient(String keyId, String fingerprint, String certificateFingerprint, String userId) {
    }
}
