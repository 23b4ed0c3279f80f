package dev.pgvault.template;

import static dev.pgvault.template.SamTemplate.map;

import dev.pgvault.template.SamTemplate.Intrinsic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether what the template's alarms and asynchronous-invocation destinations publish can reach
 * their SNS topic. An alarm whose topic it cannot publish to still changes state in the console
 * and pages nobody; CloudFormation deploys it without a word. What blocks delivery:
 * <ul>
 * <li>a topic encrypted with the AWS-managed key {@code alias/aws/sns}: its key policy cannot be
 * edited and does not admit {@code cloudwatch.amazonaws.com} (the alarm history then says
 * "CloudWatch Alarms does not have authorization to access the SNS topic encryption key");</li>
 * <li>a customer-managed key whose policy does not let the publisher use it (kms:GenerateDataKey
 * and kms:Decrypt): for alarms the CloudWatch service principal, for a Lambda destination the
 * function's role, through the account statement that enables IAM policies;</li>
 * <li>a topic policy (which replaces SNS's default one) that does not let CloudWatch publish.</li>
 * </ul>
 * A target that is not a topic of this template cannot be checked and is reported too.
 */
final class AlarmDelivery {
    static final String CLOUDWATCH = "cloudwatch.amazonaws.com";
    static final String TOPIC = "AWS::SNS::Topic";
    static final String KEY = "AWS::KMS::Key";

    /** One place something is published: {@code publisher} is "cloudwatch" or a function's logical id. */
    record Target(String from, String publisher, Object target) {
    }

    private final SamTemplate template;

    AlarmDelivery(SamTemplate template) {
        this.template = template;
    }

    /** Every alarm action (ALARM, OK, INSUFFICIENT_DATA) and every Lambda destination of the template. */
    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        template.resources("AWS::CloudWatch::Alarm").forEach((id, body) -> {
            Map<String, Object> properties = map(body.get("Properties"));
            for (String list : List.of("AlarmActions", "OKActions", "InsufficientDataActions")) {
                if (properties.get(list) instanceof List<?> actions) {
                    for (Object action : actions) {
                        targets.add(new Target(id + "." + list, "cloudwatch", action));
                    }
                }
            }
        });
        template.resources("AWS::Serverless::Function").forEach((id, body) -> {
            Map<String, Object> destinations = map(map(map(body.get("Properties")).get("EventInvokeConfig"))
                    .get("DestinationConfig"));
            destinations.forEach((when, destination) -> targets.add(
                    new Target(id + ".EventInvokeConfig." + when, id, map(destination).get("Destination"))));
        });
        template.resources("AWS::Lambda::EventInvokeConfig").forEach((id, body) -> {
            Map<String, Object> properties = map(body.get("Properties"));
            String function = String.valueOf(referenced(properties.get("FunctionName")));
            map(properties.get("DestinationConfig")).forEach((when, destination) -> targets.add(
                    new Target(id + "." + when, function, map(destination).get("Destination"))));
        });
        return targets;
    }

    /** Everything that would keep a notification from being delivered, one line each; empty when all arrive. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Target target : targets()) {
            problems.addAll(problems(target));
        }
        return problems;
    }

    List<String> problems(Target target) {
        List<String> problems = new ArrayList<>();
        String topic = referenced(target.target());
        if (topic == null || !TOPIC.equals(typeOf(topic))) {
            problems.add(target.from() + ": " + target.target() + " is not an SNS topic of this template;"
                    + " its delivery cannot be checked");
            return problems;
        }
        Object keyId = template.properties(topic).get("KmsMasterKeyId");
        if (keyId != null) {
            String key = keyOf(keyId);
            if (key == null) {
                problems.add(target.from() + ": topic " + topic + " is encrypted with " + keyId + ", "
                        + (String.valueOf(keyId).contains("alias/aws/")
                                ? "an AWS-managed key whose policy cannot admit the publisher"
                                : "a key outside this template whose policy cannot be checked"));
            } else if (target.publisher().equals("cloudwatch")) {
                if (!keyPolicyAllows(key, service(CLOUDWATCH))) {
                    problems.add(target.from() + ": the policy of " + key + " (topic " + topic + "'s key) does not"
                            + " allow " + CLOUDWATCH + " kms:GenerateDataKey and kms:Decrypt");
                }
            } else if (!keyPolicyAllows(key, AlarmDelivery::isAccount)) {
                problems.add(target.from() + ": the policy of " + key + " (topic " + topic + "'s key) does not"
                        + " let IAM policies grant kms:GenerateDataKey and kms:Decrypt (no account statement)");
            }
        }
        if (target.publisher().equals("cloudwatch")) {
            template.resources("AWS::SNS::TopicPolicy").forEach((id, body) -> {
                Map<String, Object> properties = map(body.get("Properties"));
                boolean covers = properties.get("Topics") instanceof List<?> topics
                        && topics.stream().anyMatch(t -> topic.equals(referenced(t)));
                if (covers && allowing(map(properties.get("PolicyDocument")), service(CLOUDWATCH))
                        .stream().noneMatch(s -> actions(s).contains("sns:Publish"))) {
                    problems.add(target.from() + ": topic policy " + id + " replaces SNS's default policy and does not"
                            + " allow " + CLOUDWATCH + " sns:Publish on " + topic);
                }
            });
        }
        return problems;
    }

    /** The customer-managed key of this template that a KmsMasterKeyId value names (key id, ARN or alias), or null. */
    String keyOf(Object keyId) {
        String id = referenced(keyId);
        if (id == null) {
            return null;
        }
        if ("AWS::KMS::Alias".equals(typeOf(id))) {
            id = referenced(template.properties(id).get("TargetKeyId"));
        }
        return id != null && KEY.equals(typeOf(id)) ? id : null;
    }

    /** Whether the key's policy has an Allow for a principal matching {@code who} with both data-key actions. */
    boolean keyPolicyAllows(String key, Predicate<Map<String, Object>> who) {
        return allowing(map(template.properties(key).get("KeyPolicy")), who).stream().anyMatch(statement -> {
            List<String> actions = actions(statement);
            return actions.contains("kms:Decrypt")
                    && (actions.contains("kms:GenerateDataKey") || actions.contains("kms:GenerateDataKey*"));
        });
    }

    /** The resource a {@code !Ref X}, {@code !GetAtt X.Arn} or {@code {Ref: X}} points at, or null. */
    static String referenced(Object value) {
        if (value instanceof Intrinsic i && i.name().equals("Ref")) {
            return String.valueOf(i.value());
        }
        if (value instanceof Intrinsic i && i.name().equals("GetAtt") && i.value() instanceof List<?> l) {
            return String.valueOf(l.get(0));
        }
        if (value instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Ref")) {
            return String.valueOf(m.get("Ref"));
        }
        return null;
    }

    private Object typeOf(String logicalId) {
        return map(template.resources().get(logicalId)).get("Type");
    }

    private static List<Map<String, Object>> allowing(Map<String, Object> policy, Predicate<Map<String, Object>> who) {
        List<Map<String, Object>> found = new ArrayList<>();
        if (policy.get("Statement") instanceof List<?> statements) {
            for (Object s : statements) {
                Map<String, Object> statement = map(s);
                if ("Allow".equals(statement.get("Effect")) && who.test(map(statement.get("Principal")))) {
                    found.add(statement);
                }
            }
        }
        return found;
    }

    private static Predicate<Map<String, Object>> service(String name) {
        return principal -> principal.get("Service") instanceof List<?> l
                ? l.contains(name) : name.equals(principal.get("Service"));
    }

    /** The account itself ({@code arn:...:iam::${AWS::AccountId}:root}), which lets IAM policies grant use of a key. */
    private static boolean isAccount(Map<String, Object> principal) {
        Object aws = principal.get("AWS");
        List<?> list = aws instanceof List<?> l ? l : List.of(aws == null ? "" : aws);
        return list.stream().anyMatch(p -> String.valueOf(p).contains("${AWS::AccountId}:root")
                || (p instanceof Intrinsic i && i.name().equals("Ref") && "AWS::AccountId".equals(i.value())));
    }

    static List<String> actions(Map<String, Object> statement) {
        Object actions = statement.get("Action");
        List<?> list = actions instanceof List<?> l ? l : List.of(String.valueOf(actions));
        return list.stream().map(String::valueOf).toList();
    }
}
