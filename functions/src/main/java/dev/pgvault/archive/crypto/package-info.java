/**
 * Encryption of backup objects, in formats stock tools open: {@code openssl enc} and OpenPGP ({@code gpg}).
 *
 * <h2>Modes</h2>
 * <table>
 *   <caption>Modes, key material, object names</caption>
 *   <tr><th>mode</th><th>writes</th><th>key suffix</th><th>backup holds</th><th>restore needs</th></tr>
 *   <tr><td>{@code none}</td><td>the bytes unchanged</td><td></td><td>nothing</td><td>nothing</td></tr>
 *   <tr><td>{@code openssl}</td><td>{@code openssl enc -aes-256-cbc -salt -pbkdf2 -iter N -md sha256}</td>
 *       <td>{@code .enc}</td><td>the passphrase</td><td>the passphrase</td></tr>
 *   <tr><td>{@code pgp}</td><td>OpenPGP, AES-256, SEIPD v1 with MDC, uncompressed</td>
 *       <td>{@code .gpg}</td><td>recipients' public keys only</td><td>one recipient's secret key</td></tr>
 * </table>
 *
 * <h2>Backup: between the compressor and the hasher</h2>
 * <pre>
 * Encryptor encryptor = Encryptors.openssl(Passphrase.fromSecretText(resolver.resolve(ref), ref), iterations);
 *     // or Encryptors.pgp(List.of(publicKeyBytes, ...)), or Encryptors.none()
 * String key = prefix + ".sql.gz" + encryptor.keySuffix();
 * EncryptingStream encrypted = encryptor.encrypt(hashingStoreStream);   // may write a header at once
 * try (OutputStream gzip = new GZIPOutputStream(encrypted, 64 * 1024)) {  // closing gzip closes the chain
 *     dumper.writeTo(gzip);
 * }
 * manifest.put("encryption", encrypted.parameters());                   // only after a clean close
 * </pre>
 * {@link dev.pgvault.archive.crypto.EncryptionParameters} serialises with a plain Jackson
 * {@code ObjectMapper} as one object whose {@code "mode"} field selects the kind, and reads back with
 * {@code mapper.treeToValue(node, EncryptionParameters.class)}. It never holds a key or passphrase.
 * Closing the encrypting stream closes the sink: on a failed dump, abort the upload rather than
 * relying on close.
 *
 * <h2>Restore: under gzip, inside a transaction</h2>
 * <pre>
 * Decryptor decryptor = Decryptors.openssl(Passphrase.fromFile(path));   // or Decryptors.pgp(secretKey, keyPassphrase), none()
 * try (DecryptingStream plaintext = decryptor.decrypt(sha256CheckingStoredStream, manifestEncryption);
 *      InputStream sql = new GZIPInputStream(plaintext)) {
 *     apply(sql);                 // in a transaction, rolled back on any exception
 *     plaintext.verifyToEnd();    // gzip stops at its trailer: read the rest, run MAC / MDC checks
 *     // then compare the SHA-256, then commit
 * }
 * </pre>
 * Plaintext is released before the whole object has been checked (whole backups do not fit in
 * memory), so the transaction is what keeps unverified data out; see
 * {@link dev.pgvault.archive.crypto.DecryptingStream}. For a cheap check without plaintext (the
 * weekly verification), {@link dev.pgvault.archive.crypto.Decryptor#verify} checks the openssl
 * mode's HMAC without running AES. For objects made by other tools with no manifest, pass
 * {@code OpensslParameters.unrecorded(iterations)} or {@code PgpParameters.unrecorded()}.
 *
 * <h2>What is checked, and the exceptions ({@code dev.pgvault.errors})</h2>
 * <ul>
 *   <li>{@code WrongKeyException}: the passphrase fails the recorded key check (before any plaintext);
 *       no secret key given belongs to a recipient (the message names the recipients' key ids);
 *       a secret key's passphrase is wrong or missing; a key of the other mode, or none, was given.</li>
 *   <li>{@code TamperedBackupException}: HMAC-SHA256 or OpenPGP MDC mismatch; openssl header or salt
 *       not as recorded; pgp recipients not as recorded; an undecodable object; bytes appended.</li>
 *   <li>{@code TruncatedBackupException}: the object ends before the length the manifest records.</li>
 *   <li>{@code IntegrityException} (their parent): an OpenPGP message without integrity protection.</li>
 *   <li>{@code ConfigurationException}: unusable key material (not a key, a secret key given as a
 *       recipient, a certificate without a valid encryption key, an empty passphrase).</li>
 * </ul>
 * In pgp mode the MDC covers the data, not the other recipients' session key packets; the manifest's
 * SHA-256 of the stored object covers every byte.
 *
 * <h2>The passphrase, as openssl reads it</h2>
 * The passphrase is the first line of whatever holds it, exactly as {@code openssl enc -pass
 * file:KEYFILE} reads a file: the bytes before the first newline, nothing trimmed (a Windows
 * {@code \r} stays part of it), at most 1023 bytes. A Secrets Manager or SSM value follows the same
 * rule, so writing the secret's value to a file gives a key file openssl accepts. See {@link
 * dev.pgvault.archive.crypto.Passphrase}.
 *
 * <h2>Opening a backup by hand</h2>
 * <pre>
 * # openssl mode: N is the manifest's encryption.iterations (600000 by default)
 * aws s3 cp s3://BUCKET/daily/auth-db-backup-2026-11-24.sql.gz.enc - \
 *   | openssl enc -d -aes-256-cbc -pbkdf2 -iter N -md sha256 -pass file:KEYFILE | gunzip | psql "$DATABASE_URL"
 * # pgp mode: with a recipient's secret key in the gpg keyring
 * aws s3 cp s3://BUCKET/daily/auth-db-backup-2026-11-24.sql.gz.gpg - | gpg --decrypt | gunzip | psql "$DATABASE_URL"
 * </pre>
 * The openssl mode's recorded HMAC can be checked by hand too; the commands are in {@link
 * dev.pgvault.archive.crypto.OpensslKeys} (PBKDF2 for key and IV, HKDF for the MAC key, HMAC).
 */
package dev.pgvault.archive.crypto;
