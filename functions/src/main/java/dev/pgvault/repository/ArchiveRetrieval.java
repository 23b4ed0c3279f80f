package dev.pgvault.repository;

import dev.pgvault.errors.BackupArchivedException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.ObjectStates.ObjectState;
import dev.pgvault.run.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes an archived backup readable before a restore or verification reads it: a backup in
 * GLACIER or DEEP_ARCHIVE gets a restore request (at the chosen speed) and the caller a
 * {@link BackupArchivedException} saying when to try again; {@link #awaitReadable} polls instead.
 * Stores without storage classes (a directory) are always readable.
 */
public final class ArchiveRetrieval {
    /** How long a retrieved copy stays readable: long enough to restore, then verify again. */
    public static final int DEFAULT_DAYS = 3;

    /** S3's retrieval tiers. Expedited is not offered for Deep Archive; Standard is used there instead. */
    public enum Speed {
        EXPEDITED("Expedited"), STANDARD("Standard"), BULK("Bulk");

        private final String s3Name;

        Speed(String s3Name) {
            this.s3Name = s3Name;
        }

        public String s3Name() {
            return s3Name;
        }

        /** expedited, standard or bulk, any case. */
        public static Speed parse(String value) {
            for (Speed speed : values()) {
                if (speed.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return speed;
                }
            }
            throw new InvalidRequestException("retrieval tier must be expedited, standard or bulk, got '" + value + "'");
        }
    }

    private final BackupStore store;
    private final Speed speed;
    private final int days;
    private final Clock clock;

    public ArchiveRetrieval(BackupStore store, Speed speed, int days, Clock clock) {
        this.store = store;
        this.speed = speed;
        this.days = days;
        this.clock = clock;
    }

    /**
     * Returns when {@code key} can be read now; otherwise requests its retrieval (unless one is under
     * way) and throws {@link BackupArchivedException} saying when to try again.
     */
    public void ensureReadable(String key) {
        Optional<ObjectStates> states = store.objectStates();
        if (states.isEmpty()) {
            return;
        }
        Optional<ObjectState> state = states.get().stateWithoutTags(key);
        if (state.isEmpty()) {
            return; // absent: whoever reads it says so
        }
        String storageClass = state.get().storageClass();
        Speed used = effectiveSpeed(storageClass);
        Duration expected = expected(storageClass, used);
        Instant retryAfter = clock.instant().plus(expected).truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        switch (state.get().retrieval()) {
            case NOT_ARCHIVED, RESTORED -> {
                return;
            }
            case IN_PROGRESS -> throw new BackupArchivedException(key, retryAfter, key + " is in " + storageClass
                    + " and its retrieval is under way (requested earlier; " + describe(expected)
                    + " at the Standard speed): try again later, by " + retryAfter + " at the latest, or wait with --wait");
            case ARCHIVED -> {
                states.get().requestRestore(key, days, used.s3Name());
                String note = used != speed ? " (" + speed.s3Name() + " is not offered for " + storageClass + ")" : "";
                throw new BackupArchivedException(key, retryAfter, key + " is in " + storageClass + ": its retrieval was"
                        + " requested now at the " + used.s3Name() + " speed" + note + ", " + describe(expected)
                        + "; try again after " + retryAfter + ", or wait with --wait. The retrieved copy stays readable "
                        + days + " days");
            }
            default -> throw new IllegalStateException(state.get().retrieval().name());
        }
    }

    /**
     * Requests the retrieval if needed and waits until {@code key} is readable, checking every
     * {@code poll}; {@code progress} hears the first message. Stops when {@code cancellation} fires.
     */
    public void awaitReadable(String key, Duration poll, Cancellation cancellation, Consumer<String> progress) {
        boolean told = false;
        while (true) {
            try {
                ensureReadable(key);
                return;
            } catch (BackupArchivedException e) {
                if (!told) {
                    progress.accept(e.getMessage().replace(", or wait with --wait", "") + "; waiting");
                    told = true;
                }
            }
            Instant next = clock.instant().plus(poll);
            while (clock.instant().isBefore(next)) {
                cancellation.check(); // a signal stops the wait within a second
                try {
                    Thread.sleep(Math.min(1000, Math.max(1, Duration.between(clock.instant(), next).toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new dev.pgvault.errors.RunCancelledException(Cancellation.Reason.SIGNAL,
                            "interrupted while waiting for the retrieval of " + key);
                }
            }
        }
    }

    private Speed effectiveSpeed(String storageClass) {
        return speed == Speed.EXPEDITED && storageClass.equals("DEEP_ARCHIVE") ? Speed.STANDARD : speed;
    }

    /** S3's documented retrieval times, the upper end: what a person should plan for. */
    static Duration expected(String storageClass, Speed speed) {
        boolean deep = storageClass.equals("DEEP_ARCHIVE");
        return switch (speed) {
            case EXPEDITED -> Duration.ofMinutes(5);
            case STANDARD -> deep ? Duration.ofHours(12) : Duration.ofHours(5);
            case BULK -> deep ? Duration.ofHours(48) : Duration.ofHours(12);
        };
    }

    private static String describe(Duration expected) {
        return expected.toHours() == 0 ? "usually within " + expected.toMinutes() + " minutes"
                : String.format(Locale.ROOT, "usually within %d hours", expected.toHours());
    }
}
