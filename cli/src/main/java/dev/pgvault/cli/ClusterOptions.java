package dev.pgvault.cli;

import dev.pgvault.kube.KubeconfigAccess;
import dev.pgvault.kube.KubernetesAccess;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --kubeconfig and --context: which cluster a config command reads or writes, as for kubectl. */
public final class ClusterOptions {
    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig (default: $KUBECONFIG, else ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context (default: its current one).")
    String context;

    KubernetesAccess access(Invocation invocation) {
        Path file = kubeconfig;
        if (file == null && invocation.env("KUBECONFIG") != null) {
            // kubectl merges a list of files; the first one names the cluster here.
            file = Path.of(invocation.env("KUBECONFIG").split(java.io.File.pathSeparator)[0]);
        }
        if (file == null) {
            String home = invocation.env("HOME") != null ? invocation.env("HOME") : System.getProperty("user.home");
            file = Path.of(home, ".kube", "config");
        }
        return new KubeconfigAccess(file, context);
    }
}
