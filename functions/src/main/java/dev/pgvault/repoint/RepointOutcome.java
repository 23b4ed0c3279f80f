package dev.pgvault.repoint;

import java.time.Instant;

/**
 * How a repoint ended. A result rather than an exception, so that each restore path decides
 * what to report; the Lambda handler turns the two failures into named exceptions for Step
 * Functions. Only endpoints and reasons here: never a secret value.
 */
public sealed interface RepointOutcome {
    DatabaseEndpoint previous();

    DatabaseEndpoint requested();

    /** The application runs on the requested endpoint (or already did: {@code changed} false). */
    record Repointed(DatabaseEndpoint previous, DatabaseEndpoint requested, boolean changed, Instant completedAt,
                     String detail) implements RepointOutcome {
    }

    /** The attempt failed and was undone: the application runs on its previous endpoint again. */
    record RolledBack(DatabaseEndpoint previous, DatabaseEndpoint requested, String reason) implements RepointOutcome {
    }

    /** The attempt failed and undoing it failed too: someone must look. */
    record RollbackFailed(DatabaseEndpoint previous, DatabaseEndpoint requested, String reason, String rollbackProblem)
            implements RepointOutcome {
    }
}
