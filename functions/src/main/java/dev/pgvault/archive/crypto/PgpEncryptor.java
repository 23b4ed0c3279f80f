package dev.pgvault.archive.crypto;

import dev.pgvault.archive.CountingOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;

/**
 * Writes an OpenPGP message that {@code gpg --decrypt} opens: one public-key encrypted session key
 * packet per recipient key, then a version 1 symmetrically encrypted integrity-protected data packet
 * (AES-256, with the SHA-1 modification detection code gpg 2.2 checks; not the newer AEAD packets
 * older gpg cannot read) around one binary literal data packet. No compression packet: the data is
 * gzip already. Both packets stream with partial body lengths, so memory stays at two buffers.
 */
final class PgpEncryptor implements Encryptor {
    /** Partial body length chunk; a power of two, as OpenPGP requires. */
    private static final int PACKET_BUFFER_BYTES = 64 * 1024;

    private final List<PgpRecipientKey> recipients;
    private final SecureRandom random;

    PgpEncryptor(List<PgpRecipientKey> recipients, SecureRandom random) {
        this.recipients = List.copyOf(recipients);
        this.random = random;
    }

    @Override
    public String mode() {
        return PgpParameters.MODE;
    }

    @Override
    public String keySuffix() {
        return ".gpg";
    }

    @Override
    public EncryptingStream encrypt(OutputStream sink) throws IOException {
        CountingOutputStream counted = new CountingOutputStream(sink);
        // The bulk cipher from the JDK (AES-NI, hardware SHA-1 for the MDC): in the benchmark it costs
        // the backup a fraction of what Bouncy Castle's pure-Java AES does. The session key packets
        // still come from Bouncy Castle's own code, which needs no JCA provider for Curve25519.
        PGPEncryptedDataGenerator encryption = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                        .setWithIntegrityPacket(true)
                        .setSecureRandom(random));
        for (PgpRecipientKey recipient : recipients) {
            encryption.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient.key()).setSecureRandom(random));
        }
        OutputStream encrypted;
        try {
            encrypted = encryption.open(counted, new byte[PACKET_BUFFER_BYTES]);
        } catch (PGPException e) {
            throw new IOException("could not start the OpenPGP message: " + e.getMessage(), e);
        }
        PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
        // No file name: gpg --decrypt writes to stdout or -o, and a name would only leak the key's.
        OutputStream plaintext = literal.open(encrypted, PGPLiteralData.BINARY, "", new Date(), new byte[PACKET_BUFFER_BYTES]);
        return new EncryptingStream() {
            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                ensureOpen();
                plaintext.write(buffer, offset, length);
            }

            @Override
            protected EncryptionParameters finish() throws IOException {
                literal.close();
                encryption.close();
                counted.close();
                return PgpParameters.recorded(recipients.stream().map(PgpRecipientKey::description).toList(), counted.count());
            }
        };
    }
}
