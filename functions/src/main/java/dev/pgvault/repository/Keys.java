package dev.pgvault.repository;

import dev.pgvault.errors.InvalidRequestException;

/** Rules every store applies to object keys, so a key means the same thing in S3 and on disk. */
final class Keys {
    private Keys() {}

    static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException("object key is empty");
        }
        if (key.startsWith("/") || key.endsWith("/") || key.contains("//") || key.contains("\\")) {
            throw new InvalidRequestException("object key '" + key + "' must be a relative path like daily/name.sql.gz");
        }
        for (String segment : key.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidRequestException("object key '" + key + "' must not contain '.' or '..' segments");
            }
        }
        for (char c : key.toCharArray()) {
            if (Character.isISOControl(c)) {
                throw new InvalidRequestException("object key contains a control character");
            }
        }
        return key;
    }
}
