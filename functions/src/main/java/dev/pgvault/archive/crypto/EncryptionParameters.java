package dev.pgvault.archive.crypto;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How a stored backup was encrypted, as the manifest records it: everything a reader needs to open
 * and check the object except the key. Never holds a key, a passphrase or anything derived from one
 * that would open the backup (the openssl mode's key check and HMAC are one-way).
 *
 * <p>Serialised with Jackson as one JSON object whose {@code "mode"} field selects the kind:
 * <pre>
 * {"mode":"none"}
 * {"mode":"openssl","cipher":"aes-256-cbc","kdf":"pbkdf2-hmac-sha256","iterations":600000,"salt":"…",
 *  "keyCheck":"…","mac":"hmac-sha256","macKeyDerivation":"hkdf-sha256","hmac":"…","encryptedBytes":123}
 * {"mode":"pgp","cipher":"aes-256","integrity":"seipd-v1-mdc","recipients":[{"keyId":"…",…}],"encryptedBytes":123}
 * </pre>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "mode")
@JsonSubTypes({
    @JsonSubTypes.Type(value = NoEncryptionParameters.class, name = NoEncryptionParameters.MODE),
    @JsonSubTypes.Type(value = OpensslParameters.class, name = OpensslParameters.MODE),
    @JsonSubTypes.Type(value = PgpParameters.class, name = PgpParameters.MODE)
})
public sealed interface EncryptionParameters permits NoEncryptionParameters, OpensslParameters, PgpParameters {

    /** {@code none}, {@code openssl} or {@code pgp}; written to JSON as the type field, hence ignored here. */
    @JsonIgnore
    String mode();
}
