package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ObjectTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartSizingTest {
    private static final long MIB = 1L << 20;
    private final PartSizing sizing = PartSizing.standard();

    @ParameterizedTest
    @CsvSource({"1, 8", "1000, 8", "1001, 16", "2000, 16", "2001, 32", "5000, 32", "10000, 32"})
    void partsStartAt8MiBAndDoubleEveryThousandUpTo32MiB(int part, long mib) {
        assertThat(sizing.sizeOf(part)).isEqualTo(mib * MIB);
    }

    @Test
    void everyPartIsWithinS3sLimitsAndTheCap() {
        for (int part = 1; part <= PartSizing.MAX_PARTS; part++) {
            assertThat(sizing.sizeOf(part)).isBetween(5 * MIB, PartSizing.MAX_PART);
        }
        assertThatThrownBy(() -> sizing.sizeOf(PartSizing.MAX_PARTS + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sizing.sizeOf(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Three buffers live at most (one filling, two uploading): memory is bounded whatever the size. */
    @Test
    void threeBuffersHoldAtMost96MiB() {
        assertThat(3 * PartSizing.MAX_PART).isEqualTo(96 * MIB);
    }

    @Test
    void tenThousandPartsHoldAbout273GiB() {
        assertThat(sizing.capacity()).isEqualTo((1_000 * 8 + 1_000 * 16 + 8_000 * 32) * MIB);
        assertThat(sizing.capacity() / (double) (1L << 30)).isBetween(273.0, 274.0);
    }

    @Test
    void theLimitIsANamedErrorThatSaysWhy() {
        ObjectTooLargeException error = sizing.limitReached("daily/auth-db-backup-2026-11-24.sql.gz", "s3://b/p");
        assertThat(error).hasMessageContaining("daily/auth-db-backup-2026-11-24.sql.gz")
                .hasMessageContaining("10000 parts of at most 32 MiB").hasMessageContaining("273.4 GiB");
        assertThat(error.retryable()).isFalse();
    }

    /** The heap limit (set from the container's memory) caps the parts: three of them stay within 3/5 of it. */
    @ParameterizedTest
    @CsvSource({"1024, 32", "160, 32", "159, 16", "128, 16", "80, 16", "79, 8", "64, 8", "16, 8"})
    void theHeapLimitCapsThePartSize(long heapMib, long capMib) {
        PartSizing sized = PartSizing.forHeap(heapMib * MIB);
        assertThat(sized.maxPart()).isEqualTo(capMib * MIB);
        assertThat(sized.sizeOf(1)).isEqualTo(8 * MIB);
        assertThat(sized.sizeOf(PartSizing.MAX_PARTS)).isEqualTo(capMib * MIB);
        if (heapMib >= 40) {
            assertThat(3 * sized.maxPart()).isLessThanOrEqualTo(heapMib * MIB * 3 / 5);
        }
    }
}
