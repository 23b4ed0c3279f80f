package dev.pgvault.testing;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Plays the deployment controller the mock API server does not have: whenever a deployment's
 * generation moves (a restart patched its pod template), it acts out the next scripted
 * outcome: complete the rollout, fail it on its progress deadline, or leave it hanging.
 * Records the restartedAt annotation of each rollout it saw.
 */
public final class FakeDeploymentController implements AutoCloseable {
    public enum Rollout { COMPLETE, DEADLINE_EXCEEDED, HANG }

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final Deque<Rollout> script;
    private final List<String> restarts = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long handledGeneration;

    public FakeDeploymentController(KubernetesClient client, String namespace, String name, Rollout... script) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.script = new ArrayDeque<>(List.of(script));
        Deployment current = client.apps().deployments().inNamespace(namespace).withName(name).get();
        this.handledGeneration = current.getMetadata().getGeneration();
        this.thread = Thread.ofPlatform().daemon().name("fake-controller-" + name).start(this::run);
    }

    private void run() {
        while (running) {
            try {
                Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
                if (d != null && d.getMetadata().getGeneration() > handledGeneration) {
                    handledGeneration = d.getMetadata().getGeneration();
                    var annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
                    synchronized (restarts) {
                        restarts.add(annotations == null ? null : annotations.get("kubectl.kubernetes.io/restartedAt"));
                    }
                    Rollout next = script.isEmpty() ? Rollout.COMPLETE : script.poll();
                    act(d, next);
                }
                Thread.sleep(Duration.ofMillis(20));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The test is tearing the server down; nothing to play any more.
                if (!running) {
                    return;
                }
            }
        }
    }

    private void act(Deployment d, Rollout outcome) {
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        DeploymentBuilder updated = new DeploymentBuilder(d);
        switch (outcome) {
            case COMPLETE -> updated.withNewStatus().withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(desired).withUpdatedReplicas(desired).withReadyReplicas(desired)
                    .withAvailableReplicas(desired).endStatus();
            case DEADLINE_EXCEEDED -> updated.withNewStatus().withObservedGeneration(d.getMetadata().getGeneration())
                    .withReplicas(desired + 1).withUpdatedReplicas(1).withAvailableReplicas(desired)
                    .addNewCondition().withType("Progressing").withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .withMessage("ReplicaSet \"" + name + "-7d9\" has timed out progressing.").endCondition()
                    .endStatus();
            case HANG -> {
                return; // the controller never catches up: no status change at all
            }
        }
        client.apps().deployments().inNamespace(namespace).resource(updated.build()).updateStatus();
    }

    /** restartedAt annotation values, one per rollout seen, in order. */
    public List<String> restarts() {
        synchronized (restarts) {
            return List.copyOf(restarts);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
    }
}
