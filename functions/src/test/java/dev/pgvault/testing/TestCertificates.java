package dev.pgvault.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PKI made with the real {@code openssl} tool: a test CA, a server certificate it
 * signed for the given subjectAltNames, and a second CA that signed nothing (the "wrong CA").
 * EC P-256 keys, valid for two days. Fails with a clear message when openssl is missing.
 *
 * @param caCertificate      the CA that signed the server certificate (PEM)
 * @param otherCaCertificate a CA that did not (PEM)
 * @param serverCertificate  the server's certificate (PEM)
 * @param serverKey          its unencrypted private key (PEM)
 */
public record TestCertificates(Path dir, Path caCertificate, Path otherCaCertificate, Path serverCertificate,
                               Path serverKey) {

    /** Makes the files in {@code dir}; {@code subjectAltNames} as openssl writes them: "IP:127.0.0.1", "DNS:localhost". */
    public static TestCertificates create(Path dir, String serverCommonName, List<String> subjectAltNames) {
        Path ca = dir.resolve("ca.crt");
        Path other = dir.resolve("other-ca.crt");
        Path serverCsr = dir.resolve("server.csr");
        Path server = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Path extensions = dir.resolve("server.ext");
        try {
            selfSignedCa(dir, "ca", "pgvault test CA");
            selfSignedCa(dir, "other-ca", "pgvault other test CA");
            openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key.toString(), "-out", serverCsr.toString(), "-subj", "/CN=" + serverCommonName);
            List<String> lines = new ArrayList<>();
            lines.add("basicConstraints = critical, CA:FALSE");
            lines.add("keyUsage = critical, digitalSignature");
            lines.add("extendedKeyUsage = serverAuth");
            if (!subjectAltNames.isEmpty()) {
                lines.add("subjectAltName = " + String.join(", ", subjectAltNames));
            }
            Files.write(extensions, lines);
            openssl(dir, "x509", "-req", "-in", serverCsr.toString(), "-CA", ca.toString(),
                    "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2", "-sha256",
                    "-extfile", extensions.toString(), "-out", server.toString());
            return new TestCertificates(dir, ca, other, server, key);
        } catch (IOException e) {
            throw new IllegalStateException("could not make test certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void selfSignedCa(Path dir, String name, String commonName) throws IOException {
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString(),
                "-days", "2", "-sha256", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void openssl(Path dir, String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException("openssl is needed to make test certificates and could not be run ("
                    + e.getMessage() + "); install it (apt-get install openssl)", e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("`" + String.join(" ", command) + "` failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted running openssl", e);
        }
    }

    public String caPem() {
        return read(caCertificate);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
