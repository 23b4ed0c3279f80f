package dev.pgvault.template;

import static dev.pgvault.template.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.EncryptionConfig;
import dev.pgvault.config.RepointConfig;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.template.SamTemplate.Intrinsic;
import dev.pgvault.testing.ProjectFiles;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code sam validate} and cfn-lint would catch, and more that they would not: every handler
 * exists, every state machine placeholder is substituted, every reference resolves, and no
 * policy allows an action by wildcard.
 */
class TemplateTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load(ProjectFiles.path("template.yaml"));

    @Test
    void everyHandlerClassAndMethodExists() {
        List<String> problems = new ArrayList<>();
        TEMPLATE.resources("AWS::Serverless::Function").forEach((id, body) -> {
            String handler = String.valueOf(map(body.get("Properties")).get("Handler"));
            String[] parts = handler.split("::");
            if (parts.length != 2) {
                problems.add(id + ": Handler '" + handler + "' is not class::method");
                return;
            }
            try {
                Class<?> type = Class.forName(parts[0]);
                boolean found = Arrays.stream(type.getMethods())
                        .anyMatch(m -> m.getName().equals(parts[1]) && !Modifier.isStatic(m.getModifiers()));
                if (!found) {
                    problems.add(id + ": " + parts[0] + " has no public method " + parts[1]);
                }
                type.getConstructor(); // Lambda instantiates handlers with no arguments
            } catch (ClassNotFoundException e) {
                problems.add(id + ": no class " + parts[0]);
            } catch (NoSuchMethodException e) {
                problems.add(id + ": " + parts[0] + " has no public no-argument constructor");
            }
        });
        assertThat(problems).isEmpty();
        assertThat(TEMPLATE.resources("AWS::Serverless::Function")).containsKeys("RepointFunction", "BackupFunction");
    }

    @Test
    void everyStateMachineDefinitionExistsAndEveryPlaceholderIsSubstituted() throws IOException {
        var machines = TEMPLATE.resources("AWS::Serverless::StateMachine");
        assertThat(machines).containsKey("PitrRestoreStateMachine");
        Pattern placeholder = Pattern.compile("\\$\\{([^}]+)}");
        for (var entry : machines.entrySet()) {
            Map<String, Object> properties = map(entry.getValue().get("Properties"));
            Path definition = ProjectFiles.path(String.valueOf(properties.get("DefinitionUri")));
            assertThat(definition).as(entry.getKey() + " DefinitionUri").isRegularFile();
            String text = Files.readString(definition);
            new ObjectMapper().readTree(text); // JSON before substitution too
            Set<String> used = new LinkedHashSet<>();
            Matcher m = placeholder.matcher(text);
            while (m.find()) {
                used.add(m.group(1));
            }
            Set<String> given = map(properties.get("DefinitionSubstitutions")).keySet();
            assertThat(given).as(entry.getKey() + ": every ${...} in " + definition.getFileName() + " has a substitution")
                    .containsAll(used);
            assertThat(used).as(entry.getKey() + ": no stale substitutions").containsAll(given);
        }
    }

    @Test
    void theStateMachineCallsTheRepointFunctionAndTheTopicItMayUse() {
        Map<String, Object> machine = TEMPLATE.properties("PitrRestoreStateMachine");
        Map<String, Object> substitutions = map(machine.get("DefinitionSubstitutions"));
        assertThat(substitutions.get("RepointFunctionArn")).isEqualTo(new Intrinsic("GetAtt", List.of("RepointFunction", "Arn")));
        assertThat(substitutions.get("NoticeTopicArn")).isEqualTo(new Intrinsic("Ref", "PitrNoticeTopic"));

        List<Map<String, Object>> allows = allowStatements(machine.get("Policies"));
        assertThat(allowed(allows, "lambda:InvokeFunction")).contains(new Intrinsic("GetAtt", List.of("RepointFunction", "Arn")));
        assertThat(allowed(allows, "sns:Publish")).contains(new Intrinsic("Ref", "PitrNoticeTopic"));
        for (String action : List.of("rds:DescribeDBInstances", "rds:DescribeDBInstanceAutomatedBackups",
                "rds:RestoreDBInstanceToPointInTime", "rds:AddTagsToResource")) {
            assertThat(allowed(allows, action)).as(action).isNotEmpty();
        }
        // Every aws-sdk / lambda / sns resource the definition uses has a permission above.
        String definition = ProjectFiles.read("statemachines/pitr-restore.asl.json");
        Matcher sdk = Pattern.compile("arn:aws:states:::aws-sdk:(\\w+):(\\w+)").matcher(definition);
        while (sdk.find()) {
            String action = sdk.group(1) + ":" + Character.toUpperCase(sdk.group(2).charAt(0)) + sdk.group(2).substring(1);
            assertThat(allowed(allows, action)).as("permission for " + action).isNotEmpty();
        }
    }

    @Test
    void noAllowStatementAnywhereUsesAWildcardAction() {
        List<String> problems = new ArrayList<>();
        SamTemplate.walk(TEMPLATE.root(), "", (path, node) -> {
            Map<String, Object> statement = map(node);
            if (!"Allow".equals(statement.get("Effect"))) {
                return;
            }
            if (statement.containsKey("NotAction")) {
                problems.add(path + ": Allow with NotAction");
            }
            Object actions = statement.get("Action");
            List<?> list = actions instanceof List<?> l ? l : List.of(String.valueOf(actions));
            if (list.isEmpty()) {
                problems.add(path + ": Allow without actions");
            }
            for (Object action : list) {
                if (!(action instanceof String s) || s.contains("*")) {
                    problems.add(path + ": action " + action);
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyReferenceResolves() {
        Set<String> names = TEMPLATE.referenceableNames();
        Set<String> conditions = TEMPLATE.conditions().keySet();
        List<String> problems = new ArrayList<>();
        for (var located : SamTemplate.intrinsics(TEMPLATE.root())) {
            Intrinsic i = located.intrinsic();
            switch (i.name()) {
                case "Ref" -> {
                    if (!names.contains(String.valueOf(i.value()))) {
                        problems.add(located.path() + ": !Ref " + i.value());
                    }
                }
                case "GetAtt" -> {
                    Object target = i.value() instanceof List<?> l ? l.get(0) : i.value();
                    if (!names.contains(String.valueOf(target))) {
                        problems.add(located.path() + ": !GetAtt " + i.value());
                    }
                }
                case "Sub" -> {
                    String text = i.value() instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(i.value());
                    Set<String> local = i.value() instanceof List<?> l && l.size() > 1 ? map(l.get(1)).keySet() : Set.of();
                    for (String variable : SamTemplate.subVariables(text)) {
                        String head = variable.contains(".") && !variable.startsWith("AWS::")
                                ? variable.substring(0, variable.indexOf('.')) : variable;
                        if (!names.contains(head) && !local.contains(variable)) {
                            problems.add(located.path() + ": ${" + variable + "}");
                        }
                    }
                }
                case "If" -> {
                    String condition = String.valueOf(((List<?>) i.value()).get(0));
                    if (!conditions.contains(condition)) {
                        problems.add(located.path() + ": !If " + condition);
                    }
                }
                case "Condition" -> {
                    if (!conditions.contains(String.valueOf(i.value()))) {
                        problems.add(located.path() + ": !Condition " + i.value());
                    }
                }
                default -> {
                }
            }
        }
        TEMPLATE.resources().forEach((id, body) -> {
            Object condition = map(body).get("Condition");
            if (condition != null && !conditions.contains(String.valueOf(condition))) {
                problems.add("Resources." + id + ".Condition: " + condition);
            }
        });
        assertThat(problems).isEmpty();
        assertThat(SamTemplate.intrinsics(TEMPLATE.root())).as("the loader sees the intrinsics").hasSizeGreaterThan(20);
    }

    @Test
    void theRepointFunctionGetsEveryVariableItsConfigurationReads() throws IllegalAccessException {
        Map<String, Object> variables = map(map(TEMPLATE.properties("RepointFunction").get("Environment")).get("Variables"));
        Set<String> read = new LinkedHashSet<>();
        for (Field field : RepointConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                read.add((String) field.get(null));
            }
        }
        read.remove(RepointConfig.AWS_REGION); // set by Lambda itself
        assertThat(variables.keySet()).containsAll(read);
    }

    @Test
    void theBackupFunctionGetsEveryVariableItsConfigurationReads() throws IllegalAccessException {
        Map<String, Object> variables = new java.util.HashMap<>(map(map(map(map(TEMPLATE.root().get("Globals"))
                .get("Function")).get("Environment")).get("Variables")));
        variables.putAll(map(map(TEMPLATE.properties("BackupFunction").get("Environment")).get("Variables")));
        // Read with a default that suits every deployment; settable by hand, not a template parameter.
        Set<String> optional = Set.of(BackupConfig.PREFIX, BackupConfig.LOCK_TIMEOUT_SECONDS, EncryptionConfig.ITERATIONS,
                BackupConfig.ALLOW_EMPTY, BackupConfig.WATCHDOG_MARGIN_SECONDS);
        Set<String> read = new LinkedHashSet<>();
        for (Class<?> config : List.of(BackupConfig.class, EncryptionConfig.class)) {
            for (Field field : config.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    read.add((String) field.get(null));
                }
            }
        }
        read.removeAll(optional);
        assertThat(variables.keySet()).containsAll(read).containsAll(BackupConfig.REQUIRED_VARIABLES);
    }

    @Test
    void theBackupRunsDailyAt0200UtcAsADailyBackupWithItsAlarms() {
        Map<String, Object> daily = map(map(map(TEMPLATE.properties("BackupFunction").get("Events")).get("Daily"))
                .get("Properties"));
        assertThat(TEMPLATE.parameters().get("BackupSchedule")).extracting(p -> map(p).get("Default"))
                .isEqualTo("cron(0 2 * * ? *)");
        assertThat(daily.get("ScheduleExpressionTimezone")).isEqualTo("UTC");
        assertThat(daily.get("Input")).isEqualTo("{\"kind\": \"daily\"}");
        assertThat(TEMPLATE.resources("AWS::CloudWatch::Alarm")).containsKeys("BackupFailedAlarm", "BackupNotRunAlarm");
        assertThat(TEMPLATE.properties("BackupNotRunAlarm").get("MetricName")).isEqualTo(EmfBackupMetrics.SUCCEEDED);
        assertThat(TEMPLATE.properties("BackupFailedAlarm").get("MetricName")).isEqualTo(EmfBackupMetrics.FAILED);
        Map<String, Object> bucket = TEMPLATE.properties("BackupBucket");
        assertThat(map(bucket.get("VersioningConfiguration")).get("Status")).isEqualTo("Enabled");
        assertThat(String.valueOf(bucket.get("LifecycleConfiguration"))).contains("AbortIncompleteMultipartUpload");
        assertThat(String.valueOf(TEMPLATE.properties("BackupBucketPolicy"))).contains("aws:SecureTransport");
    }

    @Test
    void templateTimeoutLimitsFitWhatTheFunctionAccepts() {
        // RepointConfig refuses 2 x rollout + health > 840 s; the template must not allow such values.
        int rollout = ((Number) map(TEMPLATE.parameters().get("RolloutTimeoutSeconds")).get("MaxValue")).intValue();
        int health = ((Number) map(TEMPLATE.parameters().get("HealthTimeoutSeconds")).get("MaxValue")).intValue();
        assertThat(2 * rollout + health).isLessThanOrEqualTo(840);
        assertThat(TEMPLATE.properties("RepointFunction").get("Timeout")).isEqualTo(900);
    }

    @Test
    void everyFunctionAndStateMachineLogsToAGroupWithRetention() {
        Set<String> logGroups = TEMPLATE.resources("AWS::Logs::LogGroup").keySet();
        for (String function : TEMPLATE.resources("AWS::Serverless::Function").keySet()) {
            assertThat(logGroups).as(function).contains(function + "LogGroup");
            assertThat(map(TEMPLATE.properties(function + "LogGroup")).get("LogGroupName"))
                    .isEqualTo(new Intrinsic("Sub", "/aws/lambda/${" + function + "}"));
        }
        for (String id : logGroups) {
            assertThat(TEMPLATE.properties(id)).as(id).containsKey("RetentionInDays");
        }
        Object destination = ((List<?>) map(TEMPLATE.properties("PitrRestoreStateMachine").get("Logging"))
                .get("Destinations")).get(0);
        assertThat(map(map(destination).get("CloudWatchLogsLogGroup")).get("LogGroupArn"))
                .isEqualTo(new Intrinsic("GetAtt", List.of("PitrStateMachineLogGroup", "Arn")));
    }

    @Test
    void everySampleEventIsJson() throws IOException {
        try (Stream<Path> events = Files.list(ProjectFiles.path("events"))) {
            List<Path> files = events.filter(p -> p.toString().endsWith(".json")).toList();
            assertThat(files).extracting(p -> p.getFileName().toString())
                    .contains("pitr-restore-input.json", "repoint.json");
            for (Path file : files) {
                new ObjectMapper().readTree(file.toFile());
            }
        }
    }

    // ------------------------------------------------------------------ alarms that are heard

    @Test
    void everyAlarmActionAndLambdaDestinationCanBeDelivered() {
        AlarmDelivery delivery = new AlarmDelivery(TEMPLATE);
        assertThat(delivery.problems()).isEmpty();
        assertThat(delivery.targets()).extracting(AlarmDelivery.Target::from)
                .contains("BackupFailedAlarm.AlarmActions", "BackupNotRunAlarm.AlarmActions",
                        "BackupFunction.EventInvokeConfig.OnFailure");
    }

    @Test
    void theDeliveryCheckRefusesTheAwsManagedKeyAndAKeyThatDoesNotAdmitCloudWatch() {
        String alarm = """
                  Alarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      AlarmActions: [!Ref Topic]
                """;
        String account = """
                          - Effect: Allow
                            Principal: { AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' }
                            Action: [kms:DescribeKey, kms:GenerateDataKey, kms:Decrypt]
                            Resource: '*'
                """;
        String cloudWatch = """
                          - Effect: Allow
                            Principal: { Service: cloudwatch.amazonaws.com }
                            Action: [kms:GenerateDataKey, kms:Decrypt]
                            Resource: '*'
                """;
        String keyed = """
                  Topic:
                    Type: AWS::SNS::Topic
                    Properties:
                      KmsMasterKeyId: !Ref Key
                  Key:
                    Type: AWS::KMS::Key
                    Properties:
                      KeyPolicy:
                        Statement:
                """;
        assertThat(deliveryProblems(alarm + """
                  Topic:
                    Type: AWS::SNS::Topic
                    Properties:
                      KmsMasterKeyId: alias/aws/sns
                """)).singleElement().asString().contains("alias/aws/sns", "AWS-managed");
        assertThat(deliveryProblems(alarm + keyed + account)).singleElement().asString()
                .contains("does not allow cloudwatch.amazonaws.com");
        assertThat(deliveryProblems(alarm + keyed + account + cloudWatch)).isEmpty();
        assertThat(deliveryProblems(alarm + """
                  Topic:
                    Type: AWS::SNS::Topic
                """)).as("no KMS, SNS's default topic policy").isEmpty();
        assertThat(deliveryProblems(alarm + """
                  Topic:
                    Type: AWS::SNS::Topic
                  TopicPolicy:
                    Type: AWS::SNS::TopicPolicy
                    Properties:
                      Topics: [!Ref Topic]
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            Principal: { Service: events.amazonaws.com }
                            Action: sns:Publish
                            Resource: !Ref Topic
                """)).singleElement().asString().contains("topic policy TopicPolicy");
        assertThat(deliveryProblems("""
                  Alarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      AlarmActions: [arn:aws:sns:eu-west-1:123456789012:elsewhere]
                """)).singleElement().asString().contains("cannot be checked");
    }

    @Test
    void everyFunctionHasAnErrorsAndAThrottlesAlarmThatNotifies() {
        for (String function : TEMPLATE.resources("AWS::Serverless::Function").keySet()) {
            for (String metric : List.of("Errors", "Throttles")) {
                List<Map<String, Object>> alarms = alarmsOn("AWS/Lambda", metric).stream()
                        .filter(a -> dimensions(a).containsKey("FunctionName")
                                && function.equals(AlarmDelivery.referenced(dimensions(a).get("FunctionName"))))
                        .toList();
                assertThat(alarms).as(function + " " + metric + " alarm").hasSize(1);
                Map<String, Object> alarm = alarms.get(0);
                assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanOrEqualToThreshold");
                assertThat(alarm.get("Threshold")).isEqualTo(1);
                assertThat(alarm.get("Statistic")).isEqualTo("Sum");
                assertThat((List<?>) alarm.get("AlarmActions")).as(function + " " + metric + " actions").isNotEmpty();
            }
        }
    }

    @Test
    void theBackupFunctionRetriesAsynchronousInvocationsExplicitlyAndReportsWhatFailsForGood() {
        Map<String, Object> backup = TEMPLATE.properties("BackupFunction");
        Map<String, Object> invoke = map(backup.get("EventInvokeConfig"));
        assertThat(invoke.get("MaximumRetryAttempts")).as("explicit retry attempts")
                .isInstanceOf(Integer.class).satisfies(n -> assertThat((Integer) n).isBetween(0, 2));
        assertThat(invoke.get("MaximumEventAgeInSeconds")).as("explicit event age").isInstanceOf(Integer.class);
        // Lambda retries after 1 and then 2 minutes; an event too old for its last attempt is dropped.
        int attempts = (Integer) invoke.get("MaximumRetryAttempts") + 1;
        int everyAttempt = attempts * timeoutOf("BackupFunction") + 60 * (attempts * (attempts - 1) / 2);
        assertThat((Integer) invoke.get("MaximumEventAgeInSeconds")).as("every attempt fits in the event's age")
                .isGreaterThanOrEqualTo(everyAttempt).isLessThanOrEqualTo(21600);

        Map<String, Object> onFailure = map(map(invoke.get("DestinationConfig")).get("OnFailure"));
        assertThat(onFailure.get("Type")).isEqualTo("SNS");
        String topic = AlarmDelivery.referenced(onFailure.get("Destination"));
        assertThat(TEMPLATE.resources(AlarmDelivery.TOPIC)).as("OnFailure destination").containsKey(topic);
        // SAM grants sns:Publish on the destination itself; an encrypted topic also needs its key.
        Object keyId = TEMPLATE.properties(topic).get("KmsMasterKeyId");
        if (keyId != null) {
            String key = new AlarmDelivery(TEMPLATE).keyOf(keyId);
            List<Map<String, Object>> allows = allowStatements(backup.get("Policies"));
            for (String action : List.of("kms:GenerateDataKey", "kms:Decrypt")) {
                assertThat(allowed(allows, action)).as("BackupFunction may " + action + " with " + key)
                        .contains(new Intrinsic("GetAtt", List.of(key, "Arn")));
            }
        }
    }

    @Test
    void theDurationAlarmFiresAtTwoThirdsOfTheBackupFunctionsTimeout() {
        List<Map<String, Object>> alarms = alarmsOn("pgvault", EmfBackupMetrics.DURATION);
        assertThat(alarms).hasSize(1);
        Map<String, Object> alarm = alarms.get(0);
        assertThat(((Number) alarm.get("Threshold")).doubleValue()).isEqualTo(timeoutOf("BackupFunction") * 2 / 3.0);
        assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
        assertThat(alarm.get("Statistic")).isEqualTo("Maximum");
        assertThat(String.valueOf(alarm.get("AlarmDescription"))).contains("outgrow");
    }

    @Test
    void everyBackupAlarmWatchesThisBackupNameAndEveryAlarmChoosesWhatMissingDataMeans() {
        for (String metric : List.of(EmfBackupMetrics.FAILED, EmfBackupMetrics.SUCCEEDED, EmfBackupMetrics.SHRANK,
                EmfBackupMetrics.DURATION)) {
            List<Map<String, Object>> alarms = alarmsOn("pgvault", metric);
            assertThat(alarms).as(metric + " alarm").isNotEmpty();
            for (Map<String, Object> alarm : alarms) {
                assertThat(dimensions(alarm)).as(metric).containsOnlyKeys(EmfBackupMetrics.DIMENSION);
                assertThat(dimensions(alarm).get(EmfBackupMetrics.DIMENSION)).isEqualTo(new Intrinsic("Ref", "BackupName"));
            }
        }
        TEMPLATE.resources("AWS::CloudWatch::Alarm").forEach((id, body) -> {
            Map<String, Object> alarm = map(body.get("Properties"));
            assertThat(alarm.get("TreatMissingData")).as(id + " TreatMissingData")
                    .isIn("breaching", "notBreaching", "ignore", "missing");
            assertThat((List<?>) alarm.get("AlarmActions")).as(id + " AlarmActions").isNotEmpty();
            assertThat(String.valueOf(alarm.get("AlarmDescription"))).as(id + " AlarmDescription").hasSizeGreaterThan(20);
        });
    }

    @Test
    void theDatabaseNameParameterReachesTheBackupFunction() {
        Map<String, Object> parameter = map(TEMPLATE.parameters().get("DatabaseName"));
        assertThat(parameter.get("Default")).isEqualTo("");
        Pattern allowed = Pattern.compile(String.valueOf(parameter.get("AllowedPattern")));
        for (String name : List.of("", "appdb", "auth_db", "Orders2", "_x", "a".repeat(63))) {
            assertThat(allowed.matcher(name).matches()).as("'" + name + "' allowed").isTrue();
        }
        for (String name : List.of("2db", "a b", "db;drop", "db/x", "db?x=1", "\"db\"", "a".repeat(64))) {
            assertThat(allowed.matcher(name).matches()).as("'" + name + "' refused").isFalse();
        }
        Map<String, Object> variables = map(map(TEMPLATE.properties("BackupFunction").get("Environment")).get("Variables"));
        assertThat(variables.get("PGVAULT_DATABASE_NAME")).isEqualTo(new Intrinsic("Ref", "DatabaseName"));
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> deliveryProblems(String resources) {
        return new AlarmDelivery(SamTemplate.parse("Resources:\n" + resources, "snippet")).problems();
    }

    /** The properties of every alarm on one metric. */
    private static List<Map<String, Object>> alarmsOn(String namespace, String metric) {
        return TEMPLATE.resources("AWS::CloudWatch::Alarm").values().stream()
                .map(body -> map(body.get("Properties")))
                .filter(p -> namespace.equals(p.get("Namespace")) && metric.equals(p.get("MetricName")))
                .toList();
    }

    /** An alarm's dimensions as name -> value. */
    private static Map<String, Object> dimensions(Map<String, Object> alarm) {
        Map<String, Object> dimensions = new LinkedHashMap<>();
        if (alarm.get("Dimensions") instanceof List<?> list) {
            list.forEach(d -> dimensions.put(String.valueOf(map(d).get("Name")), map(d).get("Value")));
        }
        return dimensions;
    }

    /** A function's timeout in seconds, its own or the Globals'. */
    private static int timeoutOf(String function) {
        Object own = TEMPLATE.properties(function).get("Timeout");
        Object global = map(map(TEMPLATE.root().get("Globals")).get("Function")).get("Timeout");
        return ((Number) (own != null ? own : global)).intValue();
    }

    /** Allow statements in a Policies list (inline documents, possibly inside !If). */
    private static List<Map<String, Object>> allowStatements(Object policies) {
        List<Map<String, Object>> statements = new ArrayList<>();
        SamTemplate.walk(policies, "", (path, node) -> {
            if ("Allow".equals(map(node).get("Effect"))) {
                statements.add(map(node));
            }
        });
        return statements;
    }

    /** The resources allowed for one action. */
    private static List<Object> allowed(List<Map<String, Object>> statements, String action) {
        List<Object> resources = new ArrayList<>();
        for (Map<String, Object> statement : statements) {
            Object actions = statement.get("Action");
            List<?> list = actions instanceof List<?> l ? l : List.of(String.valueOf(actions));
            if (list.contains(action)) {
                Object resource = statement.get("Resource");
                if (resource instanceof List<?> l) {
                    resources.addAll(l);
                } else {
                    resources.add(resource);
                }
            }
        }
        return resources;
    }

}
