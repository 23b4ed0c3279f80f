package dev.pgvault.archive.crypto;

import dev.pgvault.errors.TamperedBackupException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;

/** What is checked of an openssl-mode object once all of it was read: its length, then its MAC. */
final class OpensslEndChecks {
    private OpensslEndChecks() {
    }

    static void lengthAndMac(long storedBytes, OpensslParameters parameters, Mac mac) {
        Long recorded = parameters.encryptedBytes();
        if (recorded != null && storedBytes < recorded) {
            throw DamageVerdict.truncated(OpensslParameters.MODE, storedBytes, recorded, null);
        }
        if (recorded != null && storedBytes > recorded) {
            throw new TamperedBackupException("openssl-encrypted backup is " + storedBytes + " bytes long, longer than the "
                    + recorded + " its manifest records: bytes were added");
        }
        long ciphertext = storedBytes - OpensslFormat.HEADER_BYTES;
        if (ciphertext <= 0 || ciphertext % OpensslFormat.BLOCK_BYTES != 0) {
            // openssl always writes whole blocks, at least one (the padding).
            throw DamageVerdict.truncated(OpensslParameters.MODE, storedBytes, recorded, null);
        }
        if (parameters.hmac() != null
                && !MessageDigest.isEqual(mac.doFinal(), HexFormat.of().parseHex(parameters.hmac()))) {
            throw new TamperedBackupException("openssl-encrypted backup fails its HMAC-SHA256 check: "
                    + "its bytes differ from those written (the key is right: its key check matched)");
        }
    }
}
