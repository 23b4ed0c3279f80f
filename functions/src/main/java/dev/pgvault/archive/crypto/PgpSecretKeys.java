package dev.pgvault.archive.crypto;

import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.WrongKeyException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/** The secret keys a restore was given, as {@code gpg --export-secret-keys [--armor]} writes them. */
final class PgpSecretKeys {
    private final PGPSecretKeyRingCollection rings;

    private PgpSecretKeys(PGPSecretKeyRingCollection rings) {
        this.rings = rings;
    }

    static PgpSecretKeys parse(byte[] material) {
        PGPSecretKeyRingCollection rings;
        try {
            rings = new PGPSecretKeyRingCollection(PGPUtil.getDecoderStream(new ByteArrayInputStream(material)),
                    new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            throw new ConfigurationException("the secret key given is not an OpenPGP secret key "
                    + "(armored or binary, as gpg --export-secret-keys writes it; a public key will not do)");
        }
        if (rings.size() == 0) {
            throw new ConfigurationException("the secret key given holds no OpenPGP secret key");
        }
        return new PgpSecretKeys(rings);
    }

    /** The secret key with this key id, or null. */
    PGPSecretKey find(long keyId) {
        return rings.getSecretKey(keyId);
    }

    /** Ids of every key held, as gpg prints them, for messages. */
    List<String> keyIds() {
        List<String> ids = new ArrayList<>();
        for (PGPSecretKeyRing ring : rings) {
            for (PGPSecretKey key : ring) {
                ids.add(PgpRecipientKeys.keyIdHex(key.getKeyIdentifier().getKeyId()));
            }
        }
        return ids;
    }

    /** Unlocks one secret key; a wrong or missing passphrase is a {@link WrongKeyException} naming the key, not the passphrase. */
    static PGPKeyPair unlock(PGPSecretKey key, char[] passphrase) {
        String id = PgpRecipientKeys.keyIdHex(key.getKeyIdentifier().getKeyId());
        if (key.isPrivateKeyEmpty()) {
            throw new WrongKeyException("the secret key file holds only a stub of key " + id
                    + " (its secret part lives elsewhere, such as a smartcard); export the full secret key");
        }
        try {
            PGPKeyPair unlocked = key.extractKeyPair(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                    .build(passphrase == null ? new char[0] : passphrase));
            if (unlocked == null) {
                throw new WrongKeyException("secret key " + id + " has no usable secret part");
            }
            return unlocked;
        } catch (PGPException e) {
            throw new WrongKeyException(passphrase == null || passphrase.length == 0
                    ? "secret key " + id + " is protected by a passphrase and none was given"
                    : "the passphrase given for secret key " + id + " is wrong");
        }
    }
}
