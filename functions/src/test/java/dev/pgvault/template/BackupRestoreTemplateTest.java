package dev.pgvault.template;

import static dev.pgvault.template.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.config.BackupRestoreConfig;
import dev.pgvault.config.DecryptionConfig;
import dev.pgvault.config.EncryptionConfig;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.template.SamTemplate.Intrinsic;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The restore function, the backup-restore state machine and the erasure ledger's policies in template.yaml. */
class BackupRestoreTemplateTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load(dev.pgvault.testing.ProjectFiles.path("template.yaml"));

    @Test
    void theRestoreFunctionGetsEveryVariableItsConfigurationReads() throws IllegalAccessException {
        Map<String, Object> variables = map(map(TEMPLATE.properties("RestoreFunction").get("Environment")).get("Variables"));
        Set<String> read = new LinkedHashSet<>();
        for (Class<?> config : List.of(BackupRestoreConfig.class, DecryptionConfig.class)) {
            for (Field field : config.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    read.add((String) field.get(null));
                }
            }
        }
        read.remove(BackupRestoreConfig.PREFIX); // the bucket's root unless set by hand, as for every function
        read.remove(DecryptionConfig.PASSPHRASE_REF); // a pgp key's own passphrase: settable by hand
        assertThat(variables.keySet()).containsAll(read).contains(EncryptionConfig.PASSPHRASE_REF);
        assertThat(TEMPLATE.properties("RestoreFunction").get("Timeout")).isEqualTo(900);
        assertThat(Integer.parseInt(String.valueOf(variables.get(BackupRestoreConfig.BUDGET_SECONDS))))
                .as("the budget leaves time for the undo").isLessThan(900);
    }

    @Test
    void theRestoreFunctionReadsBackupsAndTheLedgerAndWritesNothingToTheBucket() {
        List<Map<String, Object>> allows = allowStatements(TEMPLATE.properties("RestoreFunction").get("Policies"));
        Set<String> actions = new TreeSet<>();
        allows.forEach(s -> actions.addAll(list(s.get("Action"))));
        assertThat(actions).noneMatch(a -> a.startsWith("s3:Put") || a.startsWith("s3:Delete") || a.equals("kms:Sign")
                || a.equals("kms:GenerateDataKey"));
        List<Object> readable = resources(allows, "s3:GetObject");
        for (BackupKind kind : BackupKind.values()) {
            assertThat(readable).contains(new Intrinsic("Sub", "${BackupBucket.Arn}/" + kind.folder() + "/*"));
        }
        assertThat(readable).contains(new Intrinsic("Sub", "${BackupBucket.Arn}/gdpr/*"))
                .hasSize(BackupKind.values().length + 1);
        assertThat(resources(allows, "secretsmanager:GetSecretValue")).contains(new Intrinsic("Ref", "DatabaseSecretArn"),
                new Intrinsic("Ref", "RestoreTargetSecretArn"));
    }

    @Test
    void theStateMachineInvokesItsTwoFunctionsAndRetrievesOnlyBackups() {
        Map<String, Object> machine = TEMPLATE.properties("BackupRestoreStateMachine");
        assertThat(machine.get("DefinitionUri")).isEqualTo("statemachines/backup-restore.asl.json");
        assertThat(map(machine.get("DefinitionSubstitutions")).keySet()).containsExactlyInAnyOrder("RestoreFunctionArn",
                "RepointFunctionArn", "NoticeTopicArn", "ActiveEndpointParameterName");
        List<Map<String, Object>> allows = allowStatements(machine.get("Policies"));
        assertThat(resources(allows, "lambda:InvokeFunction")).contains(
                new Intrinsic("GetAtt", List.of("RestoreFunction", "Arn")),
                new Intrinsic("GetAtt", List.of("RepointFunction", "Arn")));
        List<Object> retrievable = resources(allows, "s3:RestoreObject");
        assertThat(retrievable).hasSize(BackupKind.values().length).allSatisfy(r ->
                assertThat(String.valueOf(((Intrinsic) r).value())).doesNotContain("gdpr"));
    }

    @Test
    void theLedgerIsAppendOnlyForEveryoneAndItsRecorderMayNotDelete() {
        List<Map<String, Object>> bucket = new ArrayList<>();
        SamTemplate.walk(TEMPLATE.properties("BackupBucketPolicy").get("PolicyDocument"), "", (path, node) -> {
            if (node instanceof Map<?, ?> m && "ErasureLedgerIsAppendOnly".equals(m.get("Sid"))) {
                bucket.add(map(node));
            }
        });
        assertThat(bucket).singleElement().satisfies(st -> {
            assertThat(st.get("Effect")).isEqualTo("Deny");
            assertThat(st.get("Principal")).isEqualTo("*");
            assertThat(map(map(st.get("Condition")).get("Null"))).containsEntry("s3:if-none-match", "true");
        });
        List<Map<String, Object>> recorder = allowStatements(TEMPLATE.properties("ErasureRecorderPolicy").get("PolicyDocument"));
        Set<String> actions = new TreeSet<>();
        recorder.forEach(s -> actions.addAll(list(s.get("Action"))));
        assertThat(actions).noneMatch(a -> a.startsWith("s3:Delete") || a.equals("s3:BypassGovernanceRetention"));
        assertThat(resources(recorder, "s3:PutObject")).allSatisfy(r ->
                assertThat(String.valueOf(((Intrinsic) r).value())).startsWith("${BackupBucket.Arn}/gdpr/"));
    }

    private static List<String> list(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            l.forEach(v -> out.add(String.valueOf(v)));
        } else {
            out.add(String.valueOf(value));
        }
        return out;
    }

    private static List<Map<String, Object>> allowStatements(Object policies) {
        List<Map<String, Object>> statements = new ArrayList<>();
        SamTemplate.walk(policies, "", (path, node) -> {
            if (node instanceof Map<?, ?> && "Allow".equals(map(node).get("Effect"))) {
                statements.add(map(node));
            }
        });
        return statements;
    }

    private static List<Object> resources(List<Map<String, Object>> statements, String action) {
        List<Object> resources = new ArrayList<>();
        for (Map<String, Object> statement : statements) {
            if (list(statement.get("Action")).contains(action)) {
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
