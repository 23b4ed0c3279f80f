package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuShareTest {
    /** Lambda: the vCPU share the memory buys, never more than the processors shown. */
    @ParameterizedTest
    @CsvSource({"128, 2, 1", "1769, 2, 1", "2650, 2, 1", "3008, 2, 2", "3538, 6, 2", "10240, 6, 6", "10240, 2, 2"})
    void onLambdaTheMemoryDecides(String memory, int processors, int expected) {
        assertThat(CpuShare.cores(Map.of(CpuShare.LAMBDA_MEMORY, memory), processors)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "2, 2", "16, 16"})
    void elsewhereTheProcessors(int processors, int expected) {
        assertThat(CpuShare.cores(Map.of(), processors)).isEqualTo(expected);
        assertThat(CpuShare.cores(Map.of(CpuShare.LAMBDA_MEMORY, "lots"), processors)).isEqualTo(expected);
    }
}
