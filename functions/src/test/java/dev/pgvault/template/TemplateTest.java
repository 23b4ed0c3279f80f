package dev.pgvault.template;

import static dev.pgvault.template.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.EncryptionConfig;
import dev.pgvault.config.Environment;
import dev.pgvault.config.RepointConfig;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.repository.BackupArtifacts;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupKind;
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

    // ------------------------------------------------------------------ least privilege

    private static final String BUCKET = "pgvault-backups";
    private static final String BACKUP_ROLE = "BackupFunctionRole";
    private static final Intrinsic BACKUP_ROLE_ARN = new Intrinsic("GetAtt", List.of(BACKUP_ROLE, "Arn"));
    private static final Intrinsic UPLOAD_ROLE_ARN = new Intrinsic("GetAtt", List.of("UploadFunctionRole", "Arn"));

    /** Every key a backup of {@code name} is written under: each kind the function takes, each suffix. */
    private static List<dev.pgvault.repository.BackupKey> backupKeys(String name) {
        List<dev.pgvault.repository.BackupKey> keys = new ArrayList<>();
        for (BackupKind kind : List.of(BackupKind.DAILY, BackupKind.MANUAL)) {
            for (String suffix : BackupArtifacts.objectSuffixes()) {
                keys.add(dev.pgvault.repository.BackupKey.create(kind, name, java.time.Instant.parse(
                        "2026-11-24T02:00:03Z"), suffix));
            }
        }
        return keys;
    }

    private static String arn(String key) {
        return "arn:aws:s3:::" + BUCKET + "/" + key;
    }

    @Test
    void theBackupRoleWritesNewBackupsAndItsSidecarsButCannotReadOrDeleteBackupObjects() {
        List<IamPolicies.Statement> role = new IamPolicies(TEMPLATE).roleOf("BackupFunction");
        Map<String, String> vars = IamPolicies.bucketVariables(BUCKET, "auth-db");
        for (var key : backupKeys("auth-db")) {
            String object = arn(key.key());
            String manifest = arn(Sidecar.MANIFEST.keyFor(key.key()));
            String signature = arn(Sidecar.MANIFEST_SIGNATURE.keyFor(key.key()));
            String lock = arn(Sidecar.LOCK.keyFor(key.key()));
            String verification = arn(Sidecar.VERIFICATION.keyFor(key.key()));
            for (String written : List.of(object, manifest, signature, lock)) {
                assertThat(IamPolicies.allowed(role, "s3:PutObject", written, vars)).as("PutObject " + written).isTrue();
            }
            assertThat(IamPolicies.allowed(role, "s3:AbortMultipartUpload", object, vars)).as(object).isTrue();
            for (String read : List.of(manifest, signature, lock)) {
                assertThat(IamPolicies.allowed(role, "s3:GetObject", read, vars)).as("GetObject " + read).isTrue();
            }
            for (String unread : List.of(object, verification)) {
                assertThat(IamPolicies.allowed(role, "s3:GetObject", unread, vars)).as("GetObject " + unread).isFalse();
            }
            assertThat(IamPolicies.allowed(role, "s3:DeleteObject", lock, vars)).as("DeleteObject " + lock).isTrue();
            for (String kept : List.of(object, manifest, signature, verification)) {
                assertThat(IamPolicies.allowed(role, "s3:DeleteObject", kept, vars)).as("DeleteObject " + kept).isFalse();
            }
        }
        // Nothing of another backup name, nothing outside the backup folders.
        for (var key : backupKeys("other-db")) {
            assertThat(IamPolicies.allowed(role, "s3:PutObject", arn(key.key()), vars)).as(key.key()).isFalse();
        }
        assertThat(IamPolicies.allowed(role, "s3:PutObject", arn("config/auth-db-backup-x"), vars)).isFalse();
        // Never versions, retention bypass, or the bucket's own settings.
        assertThat(IamPolicies.allowedActions(role)).noneMatch(a -> a.startsWith("s3:") && (a.contains("Version")
                || a.contains("Bypass") || a.contains("Bucket") && !a.startsWith("s3:ListBucket") || a.contains("*")));
        assertThat(IamPolicies.allowed(role, "s3:ListBucket", "arn:aws:s3:::" + BUCKET, vars)).isTrue();
        assertThat(IamPolicies.allowed(role, "s3:ListBucketMultipartUploads", "arn:aws:s3:::" + BUCKET, vars)).isTrue();
    }

    /** Whatever is attached to the backup role later, the bucket policy keeps it from reading, deleting or overwriting backups. */
    @Test
    void theBucketPolicyHoldsTheBackupRoleToNewObjectsAndItsSidecars() {
        List<IamPolicies.Statement> denies = IamPolicies.statementsIn(
                TEMPLATE.properties("BackupBucketPolicy").get("PolicyDocument"), "BackupBucketPolicy").stream()
                .filter(st -> st.effect().equals("Deny")
                        && BACKUP_ROLE_ARN.equals(map(st.condition().get("ArnEquals")).get("aws:PrincipalArn")))
                .toList();
        Map<String, String> vars = IamPolicies.bucketVariables(BUCKET, "auth-db");
        String key = backupKeys("auth-db").get(0).key();
        java.util.function.BiPredicate<String, String> denied = (action, target) -> denies.stream()
                .anyMatch(st -> st.actions().contains(action) && IamPolicies.appliesTo(st, arn(target), vars));
        assertThat(denied.test("s3:GetObject", key)).isTrue();
        assertThat(denied.test("s3:DeleteObject", key)).isTrue();
        assertThat(denied.test("s3:DeleteObject", Sidecar.MANIFEST.keyFor(key))).isTrue();
        assertThat(denied.test("s3:GetObject", Sidecar.MANIFEST.keyFor(key))).isFalse();
        assertThat(denied.test("s3:GetObject", Sidecar.MANIFEST_SIGNATURE.keyFor(key))).isFalse();
        assertThat(denied.test("s3:GetObject", Sidecar.LOCK.keyFor(key))).isFalse();
        assertThat(denied.test("s3:DeleteObject", Sidecar.LOCK.keyFor(key))).isFalse();
        for (String action : List.of("s3:DeleteObjectVersion", "s3:GetObjectVersion", "s3:BypassGovernanceRetention",
                "s3:PutLifecycleConfiguration", "s3:PutBucketPolicy")) {
            assertThat(denies).as(action).anyMatch(st -> st.actions().contains(action));
        }
        // PutObject only as a conditional create (AWS's documented form), the lock's If-Match renewals aside.
        IamPolicies.Statement creates = denies.stream().filter(st -> st.actions().equals(List.of("s3:PutObject")))
                .findFirst().orElseThrow();
        assertThat(map(creates.condition().get("Null")).get("s3:if-none-match")).isEqualTo("true");
        assertThat(map(creates.condition().get("Bool")).get("s3:ObjectCreationOperation")).isEqualTo("true");
        assertThat(IamPolicies.appliesTo(creates, arn(key), vars)).isTrue();
        assertThat(IamPolicies.appliesTo(creates, arn(Sidecar.MANIFEST.keyFor(key)), vars)).isTrue();
        assertThat(IamPolicies.appliesTo(creates, arn(Sidecar.LOCK.keyFor(key)), vars)).isFalse();
    }

    /**
     * A secret under a customer-managed KMS key cannot be read without kms:Decrypt on that key. Each
     * secret parameter a function reads (XSecretArn, XSecretArns) has a key parameter beside it
     * (XSecretKmsKeyArn, XSecretsKmsKeyArn), granted to that function when set, through Secrets
     * Manager only.
     */
    @Test
    void everyCustomerManagedKeyParameterIsGrantedWhereItsSecretIsRead() {
        IamPolicies iam = new IamPolicies(TEMPLATE);
        Set<String> keyParametersGranted = new LinkedHashSet<>();
        for (String function : TEMPLATE.resources("AWS::Serverless::Function").keySet()) {
            List<IamPolicies.Statement> role = iam.roleOf(function);
            for (IamPolicies.Statement read : role) {
                if (!read.allows("secretsmanager:GetSecretValue")) {
                    continue;
                }
                for (Object resource : read.resources()) {
                    String secret = secretParameter(resource);
                    if (secret == null) {
                        assertThat(TEMPLATE.resources("AWS::SecretsManager::Secret"))
                                .as(function + " reads " + resource + ": a parameter or a secret of this stack")
                                .containsKey(AlarmDelivery.referenced(resource));
                        continue; // the stack's own secret uses the AWS-managed key
                    }
                    String keyParameter = secret.replaceAll("Arns$", "s").replaceAll("Arn$", "") + "KmsKeyArn";
                    assertThat(TEMPLATE.parameters()).as(function + " reads " + secret + ": its key parameter")
                            .containsKey(keyParameter);
                    Map<String, Object> parameter = map(TEMPLATE.parameters().get(keyParameter));
                    assertThat(parameter.get("Default")).as(keyParameter).isEqualTo("");
                    assertThat(role).as(function + " may decrypt " + secret + " with " + keyParameter).anyMatch(st ->
                            st.allows("kms:Decrypt")
                                    && st.resources().equals(List.of(new Intrinsic("Ref", keyParameter)))
                                    && new Intrinsic("Sub", "secretsmanager.${AWS::Region}.amazonaws.com")
                                            .equals(map(st.condition().get("StringEquals")).get("kms:ViaService"))
                                    && !st.underConditions().isEmpty()
                                    && st.underConditions().stream().anyMatch(c -> conditionMentions(c, keyParameter)));
                    keyParametersGranted.add(keyParameter);
                }
            }
        }
        assertThat(keyParametersGranted).contains("DatabaseSecretKmsKeyArn", "EncryptionPassphraseSecretKmsKeyArn",
                "PgpRecipientKeySecretsKmsKeyArn", "KubeAccessSecretKmsKeyArn");
        // No key parameter that nothing uses (DatabaseKmsKeyArn is the database's storage key, for restores).
        Set<String> keyParameters = new LinkedHashSet<>(TEMPLATE.parameters().keySet());
        keyParameters.removeIf(name -> !name.endsWith("KmsKeyArn") || name.equals("DatabaseKmsKeyArn"));
        assertThat(keyParametersGranted).containsExactlyInAnyOrderElementsOf(keyParameters);
    }

    /** The parameter a GetSecretValue resource names ({@code !Ref P} or {@code !Split [',', !Ref P]}), or null. */
    private static String secretParameter(Object resource) {
        if (resource instanceof Intrinsic i && i.name().equals("Split") && i.value() instanceof List<?> args) {
            return secretParameter(args.get(1));
        }
        String name = AlarmDelivery.referenced(resource);
        return name != null && TEMPLATE.parameters().containsKey(name) ? name : null;
    }

    /** Whether condition {@code name}, followed through !Condition, tests parameter {@code parameter}. */
    private static boolean conditionMentions(String name, String parameter) {
        List<String> refs = new ArrayList<>();
        SamTemplate.walk(TEMPLATE.conditions().get(name), "", (path, node) -> {
            if (node instanceof Intrinsic i && i.name().equals("Ref")) {
                refs.add(String.valueOf(i.value()));
            }
            if (node instanceof Intrinsic i && i.name().equals("Condition")) {
                refs.add("!" + i.value());
            }
        });
        return refs.contains(parameter)
                || refs.stream().anyMatch(r -> r.startsWith("!") && conditionMentions(r.substring(1), parameter));
    }

    @Test
    void noS3OrKmsPermissionIsOnEveryResource() {
        List<IamPolicies.Statement> identity = new ArrayList<>();
        for (String type : List.of("AWS::Serverless::Function", "AWS::Serverless::StateMachine")) {
            TEMPLATE.resources(type).forEach((id, body) -> identity.addAll(
                    IamPolicies.statementsIn(map(body.get("Properties")).get("Policies"), id)));
        }
        for (String type : List.of("AWS::IAM::RolePolicy", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            TEMPLATE.resources(type).forEach((id, body) -> identity.addAll(
                    IamPolicies.statementsIn(map(body.get("Properties")).get("PolicyDocument"), id)));
        }
        assertThat(identity).hasSizeGreaterThan(10);
        List<String> problems = new ArrayList<>();
        for (IamPolicies.Statement st : identity) {
            if (!st.effect().equals("Allow") || st.actions().stream().noneMatch(a -> a.startsWith("s3:") || a.startsWith("kms:"))) {
                continue;
            }
            if (st.resources().isEmpty()) {
                problems.add(st.path() + ": no Resource");
            }
            for (Object resource : st.resources()) {
                String text = resource instanceof Intrinsic i && i.value() instanceof String v ? v : String.valueOf(resource);
                if (text.equals("*") || text.matches("arn:[^:]*:(s3|kms):[^:]*:[^:]*:\\*") || text.endsWith(":key/*")
                        || text.equals("arn:${AWS::Partition}:s3:::*")) {
                    problems.add(st.path() + ": " + st.actions() + " on " + resource);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void onlyTheBackupRoleMaySignManifests() {
        List<IamPolicies.Statement> keyPolicy = IamPolicies.statementsIn(
                TEMPLATE.properties("ManifestSigningKey").get("KeyPolicy"), "ManifestSigningKey");
        List<IamPolicies.Statement> signers = keyPolicy.stream().filter(st -> st.allows("kms:Sign")).toList();
        // The backup side signs: the database backup's role and the upload (configuration, code) function's.
        List<Intrinsic> signingRoles = List.of(BACKUP_ROLE_ARN, UPLOAD_ROLE_ARN);
        assertThat(signers).isNotEmpty().allSatisfy(st -> assertThat(
                BACKUP_ROLE_ARN.equals(map(st.principal()).get("AWS"))
                        || BACKUP_ROLE_ARN.equals(map(st.condition().get("ArnEquals")).get("aws:PrincipalArn"))
                        || signingRoles.equals(map(st.condition().get("ArnEquals")).get("aws:PrincipalArn")))
                .as(st.path() + " allows kms:Sign only to " + BACKUP_ROLE + " and UploadFunctionRole").isTrue());
        assertThat(keyPolicy).noneMatch(st -> st.allows("kms:CreateGrant")); // no grant can hand Sign out
        assertThat(keyPolicy).anyMatch(st -> st.allows("kms:GetPublicKey") && st.condition().isEmpty());

        // In IAM, too, only the backup role is given kms:Sign, and readers get the public half.
        IamPolicies iam = new IamPolicies(TEMPLATE);
        for (String function : TEMPLATE.resources("AWS::Serverless::Function").keySet()) {
            boolean signs = iam.roleOf(function).stream().anyMatch(st -> st.allows("kms:Sign"));
            assertThat(signs).as(function + " may sign")
                    .isEqualTo(function.equals("BackupFunction") || function.equals("UploadFunction"));
        }
        List<IamPolicies.Statement> reader = IamPolicies.statementsIn(
                TEMPLATE.properties("BackupReaderPolicy").get("PolicyDocument"), "BackupReaderPolicy");
        assertThat(reader).anyMatch(st -> st.allows("kms:GetPublicKey"))
                .noneMatch(st -> st.allows("kms:Sign") || st.allows("s3:DeleteObject"));
        Map<String, String> vars = IamPolicies.bucketVariables(BUCKET, "auth-db");
        String key = backupKeys("auth-db").get(0).key();
        assertThat(IamPolicies.allowed(reader, "s3:GetObject", arn(key), vars)).isTrue();
        assertThat(IamPolicies.allowed(reader, "s3:PutObject", arn(Sidecar.VERIFICATION.keyFor(key)), vars)).isTrue();
        for (String written : List.of(key, Sidecar.MANIFEST.keyFor(key), Sidecar.MANIFEST_SIGNATURE.keyFor(key))) {
            assertThat(IamPolicies.allowed(reader, "s3:PutObject", arn(written), vars)).as(written).isFalse();
        }
        assertThat(map(TEMPLATE.properties("BackupFunctionSigningPolicy").get("RoleName")))
                .isEmpty(); // a !Ref, not a map
        assertThat(TEMPLATE.properties("BackupFunctionSigningPolicy").get("RoleName"))
                .isEqualTo(new Intrinsic("Ref", BACKUP_ROLE));
        assertThat(map(TEMPLATE.resources().get("BackupFunction")).get("DependsOn"))
                .as("the function waits for its permission to sign").isEqualTo("BackupFunctionSigningPolicy");
        assertThat(TEMPLATE.properties("UploadFunctionSigningPolicy").get("RoleName"))
                .isEqualTo(new Intrinsic("Ref", "UploadFunctionRole"));
        assertThat(map(TEMPLATE.resources().get("UploadFunction")).get("DependsOn"))
                .as("the upload function waits for its permission to sign").isEqualTo("UploadFunctionSigningPolicy");
    }

    @Test
    void objectLockIsOnByDefaultInGovernanceModeWithRetentionSetPerUpload() throws Exception {
        Map<String, Object> mode = map(TEMPLATE.parameters().get("ObjectLockMode"));
        assertThat(mode.get("Default")).isEqualTo("GOVERNANCE");
        assertThat(IamPolicies.strings(mode.get("AllowedValues"))).containsExactlyInAnyOrder("GOVERNANCE", "COMPLIANCE", "NONE");
        Map<String, Object> days = map(TEMPLATE.parameters().get("ObjectLockRetentionDays"));
        assertThat(days.get("MinValue")).isEqualTo(1);
        assertThat(TEMPLATE.conditions().get("UsesObjectLock")).hasToString(new Intrinsic("Not", List.of(
                new Intrinsic("Equals", List.of(new Intrinsic("Ref", "ObjectLockMode"), "NONE")))).toString());

        Map<String, Object> bucket = TEMPLATE.properties("BackupBucket");
        assertThat(bucket.get("ObjectLockEnabled")).isEqualTo(new Intrinsic("If",
                List.of("UsesObjectLock", true, new Intrinsic("Ref", "AWS::NoValue"))));
        List<?> configuration = (List<?>) ((Intrinsic) bucket.get("ObjectLockConfiguration")).value();
        assertThat(configuration.get(0)).isEqualTo("UsesObjectLock");
        assertThat(map(configuration.get(1))).as("no bucket-wide default retention: locks must stay deletable")
                .containsOnlyKeys("ObjectLockEnabled");
        assertThat(map(bucket.get("VersioningConfiguration")).get("Status")).isEqualTo("Enabled");

        Map<String, Object> variables = map(map(TEMPLATE.properties("BackupFunction").get("Environment")).get("Variables"));
        assertThat(variables.get(BackupConfig.OBJECT_LOCK_MODE)).isEqualTo(new Intrinsic("Ref", "ObjectLockMode"));
        assertThat(variables.get(BackupConfig.OBJECT_LOCK_DAYS)).isEqualTo(new Intrinsic("Ref", "ObjectLockRetentionDays"));
        // Every value the parameter allows is one the function reads.
        for (Object value : (List<?>) mode.get("AllowedValues")) {
            BackupConfig config = BackupConfig.from(new Environment(Map.of(BackupConfig.BUCKET, "b",
                    BackupConfig.DATABASE_SECRET, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                    BackupConfig.SIGNING_KEY, "k", BackupConfig.OBJECT_LOCK_MODE, String.valueOf(value),
                    BackupConfig.OBJECT_LOCK_DAYS, String.valueOf(days.get("Default")))));
            assertThat(config.retention().isPresent()).as(String.valueOf(value)).isEqualTo(!value.equals("NONE"));
        }
        // The role may set the retention it writes, on the backups it writes, when Object Lock is on.
        List<IamPolicies.Statement> role = new IamPolicies(TEMPLATE).roleOf("BackupFunction");
        Map<String, String> vars = IamPolicies.bucketVariables(BUCKET, "auth-db");
        String key = backupKeys("auth-db").get(0).key();
        assertThat(role).anyMatch(st -> st.allows("s3:PutObjectRetention") && st.underConditions().equals(List.of("UsesObjectLock"))
                && IamPolicies.appliesTo(st, arn(key), vars) && IamPolicies.appliesTo(st, arn(Sidecar.MANIFEST.keyFor(key)), vars));
    }

    @Test
    void aNewDeploymentEncryptsWithAPassphraseTheStackGenerates() {
        Map<String, Object> mode = map(TEMPLATE.parameters().get("EncryptionMode"));
        assertThat(mode.get("Default")).isEqualTo("openssl");
        Map<String, Object> secret = map(TEMPLATE.resources().get("EncryptionPassphraseSecret"));
        assertThat(secret.get("Type")).isEqualTo("AWS::SecretsManager::Secret");
        assertThat(secret.get("Condition")).isEqualTo("GeneratesPassphrase");
        assertThat(secret.get("DeletionPolicy")).as("the backups need it after the stack").isEqualTo("Retain");
        assertThat(secret.get("UpdateReplacePolicy")).isEqualTo("Retain");
        Map<String, Object> generate = map(map(secret.get("Properties")).get("GenerateSecretString"));
        assertThat(((Number) generate.get("PasswordLength")).intValue()).isGreaterThanOrEqualTo(32);
        assertThat(generate).doesNotContainKey("SecretStringTemplate"); // the value is the passphrase itself
        assertThat(conditionMentions("GeneratesPassphrase", "EncryptionMode")).isTrue();
        assertThat(conditionMentions("GeneratesPassphrase", "EncryptionPassphraseSecretArn")).isTrue();

        Map<String, Object> variables = map(map(TEMPLATE.properties("BackupFunction").get("Environment")).get("Variables"));
        assertThat(variables.get(EncryptionConfig.PASSPHRASE_REF)).isEqualTo(new Intrinsic("If", List.of("GeneratesPassphrase",
                new Intrinsic("Ref", "EncryptionPassphraseSecret"), new Intrinsic("Ref", "EncryptionPassphraseSecretArn"))));
        assertThat(new IamPolicies(TEMPLATE).roleOf("BackupFunction")).anyMatch(st -> st.allows("secretsmanager:GetSecretValue")
                && st.resources().equals(List.of(new Intrinsic("Ref", "EncryptionPassphraseSecret")))
                && st.underConditions().equals(List.of("GeneratesPassphrase")));
        assertThat(map(TEMPLATE.section("Outputs").get("EncryptionPassphraseSecretArn")).get("Condition"))
                .isEqualTo("GeneratesPassphrase");
        // What the function is then given passes its validation (Ref of a secret is its ARN).
        EncryptionConfig config = EncryptionConfig.from(new Environment(Map.of(EncryptionConfig.MODE,
                String.valueOf(mode.get("Default")), EncryptionConfig.PASSPHRASE_REF,
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:EncryptionPassphraseSecret-Ab12Cd34Ef56-GhIjKl",
                EncryptionConfig.RECIPIENT_KEY_REFS, "")));
        assertThat(config.mode()).isEqualTo(EncryptionConfig.Mode.OPENSSL);
    }

    /**
     * Parameters holding ARNs are checked at deploy time: a list must be ARNs joined by bare commas
     * (a space would give IAM a resource " arn:..."), a secret ARN must be whole (IAM matches the full
     * ARN), a key must be a key ARN (IAM does not match aliases).
     */
    @Test
    void arnParametersAreRefusedAtDeployTimeUnlessWellFormed() {
        String alice = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pgvault/alice-AbCdEf";
        String bob = "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:bob_key+1=x.y@z-GhIjKl";
        Pattern list = allowedPattern("PgpRecipientKeySecretArns");
        for (String ok : List.of("", alice, alice + "," + bob, bob + "," + alice + "," + alice.replace("alice", "carol"))) {
            assertThat(list.matcher(ok).matches()).as("'" + ok + "' accepted").isTrue();
        }
        for (String bad : List.of(alice + ", " + bob, " " + alice, alice + " ", alice + ",", "," + alice, alice + ",," + bob,
                alice + ";" + bob, alice.replace("-AbCdEf", ""), "pgvault/alice", alice + "\n" + bob)) {
            assertThat(list.matcher(bad).matches()).as("'" + bad + "' refused").isFalse();
        }
        // !Split only ever splits a parameter whose pattern makes its pieces clean.
        SamTemplate.walk(TEMPLATE.root(), "", (path, node) -> {
            if (node instanceof Intrinsic i && i.name().equals("Split")) {
                String parameter = AlarmDelivery.referenced(((List<?>) i.value()).get(1));
                assertThat(allowedPattern(parameter).matcher(alice + ", " + bob).matches()).as(path).isFalse();
            }
        });
        for (String parameter : TEMPLATE.parameters().keySet()) {
            if (parameter.endsWith("SecretArn") || parameter.endsWith("SecretArns")) {
                Pattern pattern = allowedPattern(parameter);
                assertThat(pattern.matcher(alice).matches()).as(parameter + " accepts a full ARN").isTrue();
                assertThat(pattern.matcher(alice.replace("-AbCdEf", "")).matches()).as(parameter + " refuses a partial ARN").isFalse();
                assertThat(pattern.matcher(alice + " ").matches()).as(parameter).isFalse();
            }
            if (parameter.endsWith("KmsKeyArn")) {
                Pattern pattern = allowedPattern(parameter);
                assertThat(pattern.matcher("").matches()).as(parameter).isTrue();
                assertThat(pattern.matcher("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                        .matches()).as(parameter).isTrue();
                assertThat(pattern.matcher("arn:aws:kms:eu-west-1:123456789012:alias/pgvault").matches()).as(parameter).isFalse();
                assertThat(pattern.matcher("alias/aws/secretsmanager").matches()).as(parameter).isFalse();
            }
        }
    }

    /** A parameter's AllowedPattern (which must have a ConstraintDescription saying what it wants). */
    private static Pattern allowedPattern(String parameter) {
        Map<String, Object> p = map(TEMPLATE.parameters().get(parameter));
        assertThat(p).as(parameter).containsKeys("AllowedPattern", "ConstraintDescription");
        return Pattern.compile(String.valueOf(p.get("AllowedPattern")));
    }

    /**
     * Without POWERTOOLS_SERVICE_NAME, Powertools' EMF output adds ServiceName and ServiceType
     * dimensions to every metric, and the alarms, which watch {BackupName} alone, would never match.
     */
    @Test
    void powertoolsServiceNameIsSetForEveryFunctionThatEmitsEmfMetrics() {
        Map<String, Object> globals = map(map(map(TEMPLATE.root().get("Globals")).get("Function")).get("Environment"));
        List<String> emitting = new ArrayList<>();
        TEMPLATE.resources("AWS::Serverless::Function").forEach((id, body) -> {
            String handler = String.valueOf(map(body.get("Properties")).get("Handler")).split("::")[0];
            String source = ProjectFiles.read("functions/src/main/java/" + handler.replace('.', '/') + ".java");
            if (!source.contains("import dev.pgvault.metrics.") && !source.contains("powertools.metrics")) {
                return;
            }
            emitting.add(id);
            Map<String, Object> variables = new LinkedHashMap<>(map(globals.get("Variables")));
            variables.putAll(map(map(map(body.get("Properties")).get("Environment")).get("Variables")));
            assertThat(variables.get("POWERTOOLS_SERVICE_NAME")).as(id + " POWERTOOLS_SERVICE_NAME")
                    .isInstanceOf(String.class).asString().isNotBlank();
            assertThat(variables.get(BackupConfig.METRICS_NAMESPACE)).as(id + " namespace").isEqualTo("pgvault");
        });
        assertThat(emitting).contains("BackupFunction");
        for (Map<String, Object> alarm : alarmsOn("pgvault", EmfBackupMetrics.FAILED)) {
            assertThat(dimensions(alarm)).doesNotContainKeys("ServiceName", "ServiceType");
        }
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
