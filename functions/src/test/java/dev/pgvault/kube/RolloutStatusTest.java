package dev.pgvault.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.kube.RolloutStatus.State;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RolloutStatusTest {
    @ParameterizedTest(name = "gen {0} observed {1} desired {2} replicas {3} updated {4} available {5} deadline {6} -> {7}")
    @CsvSource({
            // generation, observed, desired, replicas, updated, available, deadlineExceeded, expected, detail
            "2, 1, 3, 3, 3, 3, false, PROGRESSING, observe generation 2",
            "2, 2, 3, 3, 1, 3, false, PROGRESSING, 1 of 3 replicas updated",
            "2, 2, 3, 4, 3, 3, false, PROGRESSING, 1 old replicas pending termination",
            "2, 2, 3, 3, 3, 2, false, PROGRESSING, 2 of 3 updated replicas available",
            "2, 2, 3, 3, 3, 3, false, COMPLETE, 3 of 3 replicas updated and available",
            "2, 2, 3, 3, 1, 1, true, FAILED, progress deadline exceeded",
            "3, 3, 0, 0, 0, 0, false, COMPLETE, 0 of 0",
    })
    void judgesLikeKubectlRolloutStatus(long generation, long observed, int desired, int replicas, int updated,
                                        int available, boolean deadline, State expected, String detail) {
        DeploymentBuilder builder = new DeploymentBuilder()
                .withNewMetadata().withName("app").withGeneration(generation).endMetadata()
                .withNewSpec().withReplicas(desired).endSpec()
                .withNewStatus().withObservedGeneration(observed).withReplicas(replicas)
                .withUpdatedReplicas(updated).withAvailableReplicas(available).endStatus();
        if (deadline) {
            builder.editStatus().addNewCondition().withType("Progressing").withStatus("False")
                    .withReason("ProgressDeadlineExceeded").withMessage("ReplicaSet has timed out progressing.")
                    .endCondition().endStatus();
        }
        RolloutStatus status = RolloutStatus.of(builder.build(), generation);
        assertThat(status.state()).isEqualTo(expected);
        assertThat(status.detail()).contains(detail);
    }

    @org.junit.jupiter.api.Test
    void aStatusFromBeforeOurChangeDoesNotCount() {
        // The API answered our patch with generation 5, but a cached read still shows generation 4, complete.
        Deployment stale = new DeploymentBuilder()
                .withNewMetadata().withName("app").withGeneration(4L).endMetadata()
                .withNewSpec().withReplicas(1).endSpec()
                .withNewStatus().withObservedGeneration(4L).withReplicas(1).withUpdatedReplicas(1)
                .withAvailableReplicas(1).endStatus().build();
        assertThat(RolloutStatus.of(stale, 5).state()).isEqualTo(State.PROGRESSING);
    }

    @org.junit.jupiter.api.Test
    void pausedOrMissingDeploymentsCannotRollOut() {
        Deployment paused = new DeploymentBuilder().withNewMetadata().withName("app").withGeneration(1L).endMetadata()
                .withNewSpec().withPaused(true).endSpec().build();
        assertThat(RolloutStatus.of(paused, 1).state()).isEqualTo(State.FAILED);
        assertThat(RolloutStatus.of(null, 1).detail()).contains("no longer exists");
    }
}
