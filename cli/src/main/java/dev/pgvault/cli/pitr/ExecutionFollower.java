package dev.pgvault.cli.pitr;

import dev.pgvault.cli.ExitCodes;
import dev.pgvault.errors.InvalidRequestException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Follows a Step Functions execution state by state from its history, printing each state as
 * it is entered, until the execution ends. The wait loop's states come round every minute for
 * hours; after their first entry they are reported every tenth time only.
 *
 * <p>History is read without execution data: states' inputs and outputs stay in AWS.
 */
final class ExecutionFollower {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final SfnClient sfn;
    private final PrintWriter out;
    private final Duration pollInterval;

    ExecutionFollower(SfnClient sfn, PrintWriter out, Duration pollInterval) {
        this.sfn = sfn;
        this.out = out;
        this.pollInterval = pollInterval;
    }

    DescribeExecutionResponse follow(String executionArn) throws InterruptedException {
        long lastSeen = 0;
        Map<String, Integer> entries = new HashMap<>();
        while (true) {
            boolean ended = false;
            String token = null;
            do {
                String page = token;
                GetExecutionHistoryResponse history = sfn.getExecutionHistory(r -> r.executionArn(executionArn)
                        .includeExecutionData(false).maxResults(1000).nextToken(page));
                for (HistoryEvent event : history.events()) {
                    if (event.id() <= lastSeen) {
                        continue;
                    }
                    lastSeen = event.id();
                    ended |= report(event, entries);
                }
                token = history.nextToken();
            } while (token != null);
            if (ended) {
                out.flush();
                return sfn.describeExecution(r -> r.executionArn(executionArn));
            }
            out.flush();
            Thread.sleep(pollInterval);
        }
    }

    /** Prints what a person wants to see of one event; true when the execution has ended. */
    private boolean report(HistoryEvent event, Map<String, Integer> entries) {
        String type = event.typeAsString();
        if (type.endsWith("StateEntered") && event.stateEnteredEventDetails() != null) {
            String state = event.stateEnteredEventDetails().name();
            int times = entries.merge(state, 1, Integer::sum);
            if (times == 1) {
                out.printf("  %s  %s%n", CLOCK.format(event.timestamp()), state);
            } else if (times % 10 == 0) {
                out.printf("  %s  %s (entered %d times)%n", CLOCK.format(event.timestamp()), state, times);
            }
            return false;
        }
        return type.equals("ExecutionSucceeded") || type.equals("ExecutionFailed")
                || type.equals("ExecutionTimedOut") || type.equals("ExecutionAborted");
    }

    /**
     * The state machine to start: {@code given} (--state-machine-arn), else the environment variable
     * {@code variable}; {@code stackOutput} names the stack output to take it from when neither is set.
     */
    static String stateMachineArn(String given, String variable, String stackOutput) {
        String arn = given != null ? given : System.getenv(variable);
        if (arn == null || arn.isBlank()) {
            throw new InvalidRequestException("which state machine? Pass --state-machine-arn or set "
                    + variable + " (the stack's " + stackOutput + " output)");
        }
        if (!arn.matches("^arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:stateMachine:[A-Za-z0-9_-]+$")) {
            throw new InvalidRequestException("--state-machine-arn '" + arn
                    + "' is not a Step Functions state machine ARN");
        }
        return arn;
    }

    static int exitCode(ExecutionStatus status) {
        return switch (status) {
            case SUCCEEDED -> ExitCodes.OK;
            case TIMED_OUT -> ExitCodes.TIMED_OUT;
            case ABORTED -> ExitCodes.STOPPED;
            default -> ExitCodes.FAILED;
        };
    }
}
