package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throwaway gpg home directory: keys made and used by the real {@code gpg}, never the user's
 * keyring. Passphrases go through loopback pinentry, so nothing prompts.
 */
final class GnupgHome implements AutoCloseable {
    private final Path dir;

    private GnupgHome(Path dir) {
        this.dir = dir;
    }

    static GnupgHome create(Path parent, String name) throws IOException {
        ExternalTool.require("gpg");
        Path dir = Files.createDirectory(parent.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        return new GnupgHome(dir);
    }

    /**
     * Makes a key the way an operator would: a primary key for signing and certifying plus an
     * encryption subkey; {@code curve25519} (gpg's future default) or {@code rsa3072} (2.2's default).
     * Returns the primary key's fingerprint.
     */
    String generateKey(String userId, String family, String passphrase) {
        String primary = "curve25519".equals(family) ? "ed25519" : family;
        String subkey = "curve25519".equals(family) ? "cv25519" : family;
        gpg(passphrase, "--quick-gen-key", userId, primary, "sign,cert", "never");
        String fingerprint = fingerprint(userId);
        gpg(passphrase, "--quick-add-key", fingerprint, subkey, "encr", "never");
        return fingerprint;
    }

    /** A key that can only sign: no encryption subkey. */
    String generateSigningOnlyKey(String userId) {
        gpg("", "--quick-gen-key", userId, "ed25519", "sign,cert", "never");
        return fingerprint(userId);
    }

    String fingerprint(String userId) {
        String listing = gpg(null, "--with-colons", "--list-keys", userId).stdout();
        for (String line : listing.split("\n")) {
            if (line.startsWith("fpr:")) {
                return line.split(":")[9];
            }
        }
        throw new IllegalStateException("no fingerprint listed for " + userId);
    }

    /** Ids of the encryption subkeys, as gpg prints them (16 hex digits). */
    List<String> encryptionSubkeyIds(String userId) {
        List<String> ids = new ArrayList<>();
        for (String line : gpg(null, "--with-colons", "--list-keys", userId).stdout().split("\n")) {
            String[] fields = line.split(":");
            if (fields[0].equals("sub") && fields[11].contains("e")) {
                ids.add(fields[4]);
            }
        }
        return ids;
    }

    byte[] exportPublic(String userId, boolean armor) throws IOException {
        Path out = dir.resolve("export-" + System.nanoTime());
        gpgTo(out, null, armor ? List.of("--armor", "--export", userId) : List.of("--export", userId));
        return Files.readAllBytes(out);
    }

    byte[] exportSecret(String userId, String passphrase, boolean armor) throws IOException {
        Path out = dir.resolve("export-" + System.nanoTime());
        gpgTo(out, passphrase, armor ? List.of("--armor", "--export-secret-keys", userId) : List.of("--export-secret-keys", userId));
        return Files.readAllBytes(out);
    }

    void importKeys(byte[] keys) throws IOException {
        Path in = dir.resolve("import-" + System.nanoTime());
        Files.write(in, keys);
        gpg("", "--import", in.toString());
    }

    /** {@code gpg --decrypt}; the result tells success or failure (not asserted here). */
    ExternalTool.Result decrypt(Path encrypted, Path plaintext, String passphrase) {
        List<String> command = base(passphrase);
        // --verbose: gpg then names the cipher and the integrity protection it found.
        command.addAll(List.of("--verbose", "--output", plaintext.toString(), "--decrypt", encrypted.toString()));
        return ExternalTool.run(command, environment(), null, null);
    }

    void encrypt(Path plaintext, Path encrypted, boolean armor, String... recipients) {
        List<String> arguments = new ArrayList<>(List.of("--trust-model", "always", "--output", encrypted.toString()));
        if (armor) {
            arguments.add("--armor");
        }
        for (String recipient : recipients) {
            arguments.addAll(List.of("--recipient", recipient));
        }
        arguments.addAll(List.of("--encrypt", plaintext.toString()));
        gpg(null, arguments.toArray(String[]::new));
    }

    /** {@code gpg --list-packets}: what the message is made of, as gpg parses it. */
    String listPackets(Path message) {
        return ExternalTool.run(List.of("gpg", "--homedir", dir.toString(), "--batch", "--list-packets", message.toString()),
                environment(), null, null).stdout();
    }

    private ExternalTool.Result gpg(String passphrase, String... arguments) {
        List<String> command = base(passphrase);
        command.addAll(List.of(arguments));
        return ExternalTool.runOrFail(command, environment(), null, null);
    }

    private void gpgTo(Path out, String passphrase, List<String> arguments) {
        List<String> command = base(passphrase);
        command.addAll(arguments);
        ExternalTool.runOrFail(command, environment(), null, out);
    }

    private List<String> base(String passphrase) {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", dir.toString(), "--batch", "--no-tty", "--yes"));
        if (passphrase != null) {
            command.addAll(List.of("--pinentry-mode", "loopback", "--passphrase", passphrase));
        }
        return command;
    }

    private Map<String, String> environment() {
        return Map.of("GNUPGHOME", dir.toString());
    }

    @Override
    public void close() {
        // gpg starts an agent per home directory; stop it with the directory.
        ExternalTool.run(List.of("gpgconf", "--homedir", dir.toString(), "--kill", "all"), environment(), null, null);
    }
}
