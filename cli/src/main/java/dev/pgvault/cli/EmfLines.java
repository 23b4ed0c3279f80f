package dev.pgvault.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.metrics.EmfBackupMetrics;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.internal.EmfMetricsLogger;

/**
 * {@code backup --metrics emf}: the Lambda's own metrics ({@link EmfBackupMetrics}: same names,
 * namespace and dimensions), written as CloudWatch Embedded Metric Format lines to a stream, so
 * that a log agent (CloudWatch agent, Fluent Bit) turns a Kubernetes CronJob's backups into the
 * metrics the Lambda's alarms watch.
 *
 * <p>Outside Lambda, the EMF library would probe for an environment (EC2 metadata, ECS) and by
 * default send to a CloudWatch agent's socket; here the environment is fixed: every event is one
 * line on the given stream, nothing else is probed or contacted.
 */
final class EmfLines {
    private EmfLines() {}

    static BackupMetrics backupMetrics(String namespace, String backupName, PrintStream to) {
        Environment environment = new LineEnvironment(to);
        // Powertools' factory is process-wide; one CLI run is one backup, so setting it per run is enough.
        MetricsFactory.setMetricsProvider(() -> new EmfMetricsLogger(new FixedEnvironmentProvider(environment),
                new MetricsContext()));
        EmfBackupMetrics metrics = new EmfBackupMetrics(namespace, backupName);
        return metrics;
    }

    private static final class FixedEnvironmentProvider extends EnvironmentProvider {
        private final Environment environment;

        FixedEnvironmentProvider(Environment environment) {
            this.environment = environment;
        }

        @Override
        public CompletableFuture<Environment> resolveEnvironment() {
            return CompletableFuture.completedFuture(environment);
        }

        @Override
        public Environment getDefaultEnvironment() {
            return environment;
        }
    }

    /** Prints each EMF event as one line, like the library's console sink, but to our stream. */
    private record LineEnvironment(PrintStream to) implements Environment, ISink {
        @Override
        public boolean probe() {
            return true;
        }

        @Override
        public String getName() {
            return "pgvault-cli";
        }

        @Override
        public String getType() {
            return "pgvault-cli";
        }

        @Override
        public String getLogGroupName() {
            return "";
        }

        /**
         * The EMF library has just given the event default dimensions of its own (ServiceName,
         * ServiceType, LogGroup), which it adds to every dimension set; the alarms match the
         * metrics' own dimensions exactly ({BackupName}; {BackupName, ErrorClass}), so none.
         */
        @Override
        public void configureContext(MetricsContext context) {
            context.setDefaultDimensions(new DimensionSet());
        }

        @Override
        public ISink getSink() {
            return this;
        }

        @Override
        public void accept(MetricsContext context) {
            try {
                for (String event : context.serialize()) {
                    to.println(event);
                }
                to.flush();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("could not write an EMF metrics line: " + e.getMessage(), e);
            }
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
