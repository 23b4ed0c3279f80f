package dev.pgvault.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pgvault.errors.PgvaultException;
import java.io.IOException;

/** {@link UploadManifest} JSON, in the same style as {@link ManifestCodec} (same mapper). */
public final class UploadManifestCodec {
    private UploadManifestCodec() {}

    public static byte[] encode(UploadManifest manifest) {
        try {
            return ManifestCodec.mapper().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not encode a manifest", e);
        }
    }

    /** @param where names the object in errors */
    public static UploadManifest decode(byte[] json, String where) {
        UploadManifest manifest;
        try {
            manifest = ManifestCodec.mapper().readValue(json, UploadManifest.class);
        } catch (IOException e) {
            throw new PgvaultException("manifest " + where + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (manifest.formatVersion() < 1 || manifest.formatVersion() > UploadManifest.FORMAT_VERSION) {
            throw new PgvaultException("manifest " + where + " has format version " + manifest.formatVersion()
                    + "; this pgvault reads versions up to " + UploadManifest.FORMAT_VERSION + " (upgrade pgvault)");
        }
        if (manifest.sha256() == null || manifest.key() == null || manifest.type() == null) {
            throw new PgvaultException("manifest " + where + " lacks key, type or sha256");
        }
        return manifest;
    }
}
