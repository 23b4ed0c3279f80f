package dev.pgvault.backup;

/** How a run describes itself in the lock it holds, so another run can say who holds a key. */
public final class RunOwner {
    private RunOwner() {}

    /** "pgvault on host (pid 1234)". */
    public static String thisProcess() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "unknown host");
        }
        return "pgvault on " + host + " (pid " + ProcessHandle.current().pid() + ")";
    }

    /** "Lambda my-function, request 8f2c...". */
    public static String lambda(String functionName, String requestId) {
        return "Lambda " + functionName + ", request " + requestId;
    }
}
