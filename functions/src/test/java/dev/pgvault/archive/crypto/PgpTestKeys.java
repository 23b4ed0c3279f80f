package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keys made once per test run by the real gpg, the way an operator makes them:
 * alice (curve25519, passphrase-protected), bob (RSA 3072, no passphrase), carol (not a recipient
 * of anything), dave (signing only). Each of alice and bob also gets a gpg home holding only their
 * own secret key, to show that each recipient alone can decrypt.
 */
final class PgpTestKeys {
    static final String ALICE = "Alice Operator <alice@example.org>";
    static final String BOB = "Bob Oncall <bob@example.org>";
    static final String CAROL = "Carol Outsider <carol@example.org>";
    static final String DAVE = "Dave Signer <dave@example.org>";
    static final String ALICE_KEY_PASSPHRASE = "alice's key passphrase";

    private static PgpTestKeys instance;

    final Path root;
    final GnupgHome maker;
    final GnupgHome aliceHome;
    final GnupgHome bobHome;
    final byte[] alicePublicArmored;
    final byte[] bobPublicBinary;
    final byte[] alicePublicBinary;
    final byte[] aliceSecretArmored;
    final byte[] bobSecretBinary;
    final byte[] carolSecretArmored;
    final byte[] davePublicArmored;
    final List<String> aliceEncryptionKeyIds;
    final List<String> bobEncryptionKeyIds;

    static synchronized PgpTestKeys get() {
        if (instance == null) {
            try {
                instance = new PgpTestKeys();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private PgpTestKeys() throws IOException {
        root = Files.createTempDirectory("pgvault-gpg");
        maker = GnupgHome.create(root, "maker");
        Runtime.getRuntime().addShutdownHook(new Thread(this::cleanUp));
        maker.generateKey(ALICE, "curve25519", ALICE_KEY_PASSPHRASE);
        maker.generateKey(BOB, "rsa3072", "");
        maker.generateKey(CAROL, "curve25519", "");
        maker.generateSigningOnlyKey(DAVE);
        alicePublicArmored = maker.exportPublic(ALICE, true);
        alicePublicBinary = maker.exportPublic(ALICE, false);
        bobPublicBinary = maker.exportPublic(BOB, false);
        davePublicArmored = maker.exportPublic(DAVE, true);
        aliceSecretArmored = maker.exportSecret(ALICE, ALICE_KEY_PASSPHRASE, true);
        bobSecretBinary = maker.exportSecret(BOB, "", false);
        carolSecretArmored = maker.exportSecret(CAROL, "", true);
        aliceEncryptionKeyIds = maker.encryptionSubkeyIds(ALICE);
        bobEncryptionKeyIds = maker.encryptionSubkeyIds(BOB);
        aliceHome = GnupgHome.create(root, "alice");
        aliceHome.importKeys(aliceSecretArmored);
        bobHome = GnupgHome.create(root, "bob");
        bobHome.importKeys(bobSecretBinary);
    }

    private void cleanUp() {
        for (GnupgHome home : new GnupgHome[] {maker, aliceHome, bobHome}) {
            if (home != null) {
                home.close();
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
