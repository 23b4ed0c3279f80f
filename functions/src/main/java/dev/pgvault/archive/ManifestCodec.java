package dev.pgvault.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pgvault.errors.PgvaultException;
import java.io.IOException;

/** Manifest JSON: pretty, ISO-8601 times, unknown fields tolerated so newer tools' manifests still read. */
public final class ManifestCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManifestCodec() {}

    public static byte[] encode(Manifest manifest) {
        try {
            return JSON.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not encode a manifest", e);
        }
    }

    /** @param where names the object in errors */
    public static Manifest decode(byte[] json, String where) {
        Manifest manifest;
        try {
            manifest = JSON.readValue(json, Manifest.class);
        } catch (IOException e) {
            throw new PgvaultException("manifest " + where + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (manifest.formatVersion() < 1 || manifest.formatVersion() > Manifest.FORMAT_VERSION) {
            throw new PgvaultException("manifest " + where + " has format version " + manifest.formatVersion()
                    + "; this pgvault reads versions up to " + Manifest.FORMAT_VERSION + " (upgrade pgvault)");
        }
        if (manifest.sha256() == null || manifest.tables() == null || manifest.key() == null) {
            throw new PgvaultException("manifest " + where + " lacks key, sha256 or tables");
        }
        return manifest;
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
