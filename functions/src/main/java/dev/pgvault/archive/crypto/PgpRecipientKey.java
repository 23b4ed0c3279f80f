package dev.pgvault.archive.crypto;

import org.bouncycastle.openpgp.PGPPublicKey;

/** One public (sub)key a backup is encrypted to, with the public description the manifest records. */
record PgpRecipientKey(PGPPublicKey key, PgpParameters.PgpRecipient description) {
}
