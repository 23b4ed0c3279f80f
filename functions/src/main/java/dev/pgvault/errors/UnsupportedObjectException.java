package dev.pgvault.errors;

import java.util.List;

/**
 * The database holds objects pgvault cannot yet reproduce faithfully. The backup stops rather
 * than produce something that restores differently; the message names every such object.
 */
public class UnsupportedObjectException extends PgvaultException {
    private final List<String> objects;

    public UnsupportedObjectException(List<String> objects) {
        super(message(objects));
        this.objects = List.copyOf(objects);
    }

    public List<String> objects() {
        return objects;
    }

    private static String message(List<String> objects) {
        int shown = Math.min(objects.size(), 25);
        StringBuilder text = new StringBuilder("pgvault cannot yet back up this database faithfully; it holds ")
                .append(objects.size()).append(objects.size() == 1 ? " object" : " objects")
                .append(" it would not restore exactly: ")
                .append(String.join("; ", objects.subList(0, shown)));
        if (shown < objects.size()) {
            text.append("; and ").append(objects.size() - shown).append(" more");
        }
        return text.append(". Nothing was written. See README, 'What a backup holds'.").toString();
    }
}
