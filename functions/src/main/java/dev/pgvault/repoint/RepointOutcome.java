package dev.pgvault.repoint;

import java.time.Instant;

/**
 * How a repoint ended. A result rather than an exception, so that each restore path decides
 * what to report; the Lambda handler turns the failures into named exceptions for Step
 * Functions. Only endpoints, database names and reasons here: never a secret value.
 */
public sealed interface RepointOutcome {
    DatabaseEndpoint previous();

    DatabaseEndpoint requested();

    /**
     * The application runs on the requested endpoint: its pods were rolled out for it (or already
     * had been, and that rollout completed: {@code changed} false).
     *
     * @param previousDatabase the database the URL named before (null when it named none)
     * @param database         the database it names now (null when none)
     */
    record Repointed(DatabaseEndpoint previous, DatabaseEndpoint requested, boolean changed, Instant completedAt,
                     String detail, String previousDatabase, String database) implements RepointOutcome {
    }

    /** The attempt failed and was undone: the application runs on its previous endpoint again. */
    record RolledBack(DatabaseEndpoint previous, DatabaseEndpoint requested, String reason) implements RepointOutcome {
    }

    /** The attempt failed and undoing it failed too: someone must look. */
    record RollbackFailed(DatabaseEndpoint previous, DatabaseEndpoint requested, String reason, String rollbackProblem)
            implements RepointOutcome {
    }

    /**
     * The secret already held the requested value when this attempt began (an earlier one wrote
     * it), and bringing the pods onto it failed; there is no earlier value of this attempt's own to
     * put back. Whoever remembers the endpoint before the restore repoints back.
     */
    record NotCompleted(DatabaseEndpoint previous, DatabaseEndpoint requested, String reason)
            implements RepointOutcome {
    }
}
