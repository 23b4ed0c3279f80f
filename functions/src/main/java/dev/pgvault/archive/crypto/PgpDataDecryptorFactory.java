package dev.pgvault.archive.crypto;

import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPSessionKey;
import org.bouncycastle.openpgp.operator.PGPDataDecryptor;
import org.bouncycastle.openpgp.operator.SessionKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JceSessionKeyDataDecryptorFactoryBuilder;

/**
 * Bouncy Castle's own code recovers the session key (it needs no JCA provider for Curve25519 or
 * RSA); the JDK's AES and SHA-1, which use the CPU's AES and SHA instructions, decrypt the bulk of a
 * version 1 integrity-protected packet. In the benchmark this roughly halves what decryption adds
 * to a restore, compared with Bouncy Castle's pure-Java AES.
 */
final class PgpDataDecryptorFactory extends BcPublicKeyDataDecryptorFactory {
    /** Only its createDataDecryptor(boolean, int, byte[]) is used, which takes the real key as argument. */
    private final SessionKeyDataDecryptorFactory jdkCiphers = new JceSessionKeyDataDecryptorFactoryBuilder()
            .build(new PGPSessionKey(SymmetricKeyAlgorithmTags.AES_256, new byte[32]));

    PgpDataDecryptorFactory(PGPKeyPair key) {
        super(key);
    }

    @Override
    public PGPDataDecryptor createDataDecryptor(boolean withIntegrityPacket, int encAlgorithm, byte[] key)
            throws PGPException {
        return jdkCiphers.createDataDecryptor(withIntegrityPacket, encAlgorithm, key);
    }
}
