package dev.pgvault.kube;

import dev.pgvault.errors.ConfigurationException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cluster as the operator's kubeconfig file names it (the CLI): its current context, or the
 * one given. Exec plugins ({@code aws eks get-token}) work as with kubectl, since the CLI runs
 * where those tools are.
 */
public final class KubeconfigAccess implements KubernetesAccess {
    private final Path file;
    private final String context;

    /** @param context null for the file's current context */
    public KubeconfigAccess(Path file, String context) {
        this.file = file;
        this.context = context;
    }

    @Override
    public KubernetesClient connect() {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("no kubeconfig at " + file + " (give --kubeconfig FILE or set KUBECONFIG)");
        }
        Config config;
        try {
            config = Config.fromKubeconfig(context, file.toFile());
        } catch (RuntimeException e) {
            throw new ConfigurationException("could not read the kubeconfig " + file
                    + (context == null ? "" : " (context " + context + ")") + ": " + e.getClass().getSimpleName());
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new ConfigurationException("the kubeconfig " + file + " names no cluster server"
                    + (context == null ? "" : " for context " + context));
        }
        return ClientConfigs.build(config);
    }

    @Override
    public String describe() {
        return "cluster of kubeconfig " + file + (context == null ? "" : " (context " + context + ")");
    }
}
