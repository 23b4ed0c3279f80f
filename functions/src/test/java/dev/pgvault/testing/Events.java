package dev.pgvault.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The repository's events/*.json, which serve `sam local invoke -e` and the tests alike. */
public final class Events {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {}

    public static Map<String, Object> load(String name) {
        try {
            return JSON.readValue(ProjectFiles.path("events").resolve(name).toFile(), new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("could not read events/" + name, e);
        }
    }
}
