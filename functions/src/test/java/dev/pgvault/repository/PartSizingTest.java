package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartSizingTest {
    private static final long TIB = 1L << 40;

    @ParameterizedTest
    @ValueSource(longs = {-1, 0, 1, 100L << 20, 50L << 30, 1L << 40, 5L << 40})
    void anObjectUpToS3sLimitFitsInTenThousandParts(long expected) {
        PartSizing sizing = PartSizing.forExpectedSize(expected);
        assertThat(sizing.capacity()).isGreaterThanOrEqualTo(5 * TIB);
        for (int part = 1; part <= PartSizing.MAX_PARTS; part++) {
            assertThat(sizing.sizeOf(part)).isBetween(5L << 20, PartSizing.MAX_PART);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 30, 100L << 30, 1L << 40})
    void theExpectedSizeTakesAFewThousandPartsAtMost(long expected) {
        PartSizing sizing = PartSizing.forExpectedSize(expected);
        long total = 0;
        int parts = 0;
        while (total < expected) {
            total += sizing.sizeOf(++parts);
        }
        assertThat(parts).isLessThanOrEqualTo(2_000);
    }
}
