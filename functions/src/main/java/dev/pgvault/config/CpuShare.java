package dev.pgvault.config;

import java.util.Map;

/**
 * How many cores a run may keep busy: the processors this JVM sees, except on Lambda, which shows
 * two cores below 3,008 MB but gives only the share of a vCPU that the function's memory buys
 * (one full vCPU per 1,769 MB). Compression threads and dump connections are sized from this,
 * so a 1,769 MB function does not split one vCPU between threads that would only wait for it.
 */
public final class CpuShare {
    /** Set by the Lambda runtime: the function's memory in MB. */
    static final String LAMBDA_MEMORY = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";
    static final int MB_PER_VCPU = 1769;

    private CpuShare() {}

    public static int cores() {
        return cores(System.getenv(), Runtime.getRuntime().availableProcessors());
    }

    static int cores(Map<String, String> env, int processors) {
        String memory = env.get(LAMBDA_MEMORY);
        if (memory == null || memory.isBlank()) {
            return Math.max(1, processors);
        }
        int megabytes;
        try {
            megabytes = Integer.parseInt(memory.trim());
        } catch (NumberFormatException e) {
            return Math.max(1, processors);
        }
        int share = (int) Math.max(1, Math.round(megabytes / (double) MB_PER_VCPU));
        return Math.max(1, Math.min(share, processors));
    }
}
