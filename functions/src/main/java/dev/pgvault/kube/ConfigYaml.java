package dev.pgvault.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.pgvault.errors.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The configuration backup's file format: one YAML document per object, each starting with
 * {@code ---}, as {@code kubectl get -o yaml} would print the object and {@code kubectl apply -f}
 * reads a file of them.
 */
public final class ConfigYaml {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            // The caller reads on past the last document (gzip trailer, integrity checks).
            .disable(com.fasterxml.jackson.core.StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build());
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private ConfigYaml() {
    }

    /** One object as a YAML document, starting with {@code ---}. */
    public static byte[] document(Map<String, Object> object) {
        try {
            return YAML.writeValueAsBytes(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write an object as YAML", e);
        }
    }

    public static String sha256(byte[] document) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(document));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every document in the file, in order; {@code where} names it in errors. */
    public static List<Map<String, Object>> read(InputStream in, String where) throws IOException {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> documents = YAML.readerFor(OBJECT)
                .readValues(YAML.getFactory().createParser(in))) {
            while (documents.hasNextValue()) {
                Map<String, Object> object = documents.nextValue();
                if (object != null) {
                    objects.add(object);
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // The parser's own message can quote the document, and so a Secret's value: only the place.
            throw new IntegrityException(where + " is not a file of Kubernetes objects in YAML (at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        }
        return objects;
    }

    /** For messages and tests: the document as text. */
    public static String text(Map<String, Object> object) {
        return new String(document(object), StandardCharsets.UTF_8);
    }
}
