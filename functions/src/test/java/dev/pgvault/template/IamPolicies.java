package dev.pgvault.template;

import static dev.pgvault.template.SamTemplate.map;

import dev.pgvault.template.SamTemplate.Intrinsic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template's IAM statements as data, for tests that ask who may do what: the statements of a
 * function's role (its SAM {@code Policies} and any {@code AWS::IAM::RolePolicy} or
 * {@code AWS::IAM::Policy} attached to the role SAM generates for it), of a resource policy, each
 * with the {@code !If} conditions it sits under; and a small evaluator of IAM's wildcard matching
 * over concrete ARNs, with {@code !Sub}/{@code !GetAtt}/{@code !Ref} resolved from a map.
 *
 * <p>Statements under {@code !If} are taken from both branches: a test that asks "can this role
 * ever..." gets the union over every parameter choice.
 */
final class IamPolicies {
    /** One statement, with the names of the conditions of the {@code !If}s around it (outermost first). */
    record Statement(String path, Map<String, Object> body, List<String> underConditions) {
        String effect() {
            return String.valueOf(body.get("Effect"));
        }

        List<String> actions() {
            return strings(body.get("Action"));
        }

        List<Object> resources() {
            return values(body.get("Resource"));
        }

        List<Object> notResources() {
            return values(body.get("NotResource"));
        }

        Map<String, Object> condition() {
            return map(body.get("Condition"));
        }

        Object principal() {
            return body.get("Principal");
        }

        boolean allows(String action) {
            return effect().equals("Allow") && actions().stream().anyMatch(a -> IamPolicies.matches(a, action));
        }
    }

    private final SamTemplate template;

    IamPolicies(SamTemplate template) {
        this.template = template;
    }

    /** The statements of {@code function}'s role: SAM Policies and policies attached to {@code <function>Role}. */
    List<Statement> roleOf(String function) {
        List<Statement> statements = new ArrayList<>(statementsIn(template.properties(function).get("Policies"),
                function + ".Policies"));
        String role = function + "Role";
        for (String type : List.of("AWS::IAM::RolePolicy", "AWS::IAM::Policy")) {
            template.resources(type).forEach((id, body) -> {
                Map<String, Object> properties = map(body.get("Properties"));
                List<Object> roles = new ArrayList<>(values(properties.get("Roles")));
                if (properties.containsKey("RoleName")) {
                    roles.add(properties.get("RoleName"));
                }
                if (roles.stream().anyMatch(r -> role.equals(AlarmDelivery.referenced(r)))) {
                    statements.addAll(statementsIn(properties.get("PolicyDocument"), id + ".PolicyDocument"));
                }
            });
        }
        return statements;
    }

    /** Every statement under {@code node} (a Policies list, a policy document, a resource policy). */
    static List<Statement> statementsIn(Object node, String path) {
        List<Statement> found = new ArrayList<>();
        collect(node, path, List.of(), found);
        return found;
    }

    private static void collect(Object node, String path, List<String> conditions, List<Statement> found) {
        if (node instanceof Intrinsic i && i.name().equals("If") && i.value() instanceof List<?> args && args.size() == 3) {
            List<String> inner = new ArrayList<>(conditions);
            inner.add(String.valueOf(args.get(0)));
            collect(args.get(1), path + "!If[" + args.get(0) + "]", inner, found);
            collect(args.get(2), path + "!If[not " + args.get(0) + "]", conditions, found);
            return;
        }
        if (node instanceof Map<?, ?> m) {
            if (m.containsKey("Effect") && (m.containsKey("Action") || m.containsKey("NotAction"))) {
                found.add(new Statement(path, map(m), List.copyOf(conditions)));
                return;
            }
            m.forEach((k, v) -> collect(v, path + "." + k, conditions, found));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                collect(l.get(i), path + "[" + i + "]", conditions, found);
            }
        }
    }

    /**
     * A template value as the string CloudFormation would make of it, {@code variables} naming what
     * each {@code ${X}}, {@code ${X.Attr}}, {@code !Ref X} and {@code !GetAtt X.Attr} stands for.
     *
     * @throws IllegalArgumentException for anything else, or a name {@code variables} lacks
     */
    static String resolve(Object value, Map<String, String> variables) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Intrinsic i) {
            switch (i.name()) {
                case "Ref" -> {
                    return variable(String.valueOf(i.value()), variables);
                }
                case "GetAtt" -> {
                    return variable(String.join(".", strings(i.value())), variables);
                }
                case "Sub" -> {
                    if (!(i.value() instanceof String text)) {
                        throw new IllegalArgumentException("!Sub with a variable map: " + i);
                    }
                    Matcher m = Pattern.compile("\\$\\{([^}!][^}]*)}").matcher(text);
                    StringBuilder out = new StringBuilder();
                    while (m.find()) {
                        m.appendReplacement(out, Matcher.quoteReplacement(variable(m.group(1).trim(), variables)));
                    }
                    m.appendTail(out);
                    return out.toString();
                }
                default -> throw new IllegalArgumentException("cannot resolve !" + i.name() + " " + i.value());
            }
        }
        throw new IllegalArgumentException("cannot resolve " + value);
    }

    private static String variable(String name, Map<String, String> variables) {
        String value = variables.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no value given for ${" + name + "}");
        }
        return value;
    }

    /** IAM's wildcard match: {@code *} any run of characters (slashes included), {@code ?} one character; case-sensitive. */
    static boolean matches(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
    }

    /** Whether {@code statement} applies to {@code arn}: by Resource, or by NotResource (every ARN not listed). */
    static boolean appliesTo(Statement statement, String arn, Map<String, String> variables) {
        if (!statement.notResources().isEmpty()) {
            return statement.notResources().stream().noneMatch(r -> matches(resolve(r, variables), arn));
        }
        return statement.resources().stream().anyMatch(r -> matches(resolve(r, variables), arn));
    }

    /** Whether some Allow statement grants {@code action} on {@code arn} (conditions of the statement aside). */
    static boolean allowed(List<Statement> statements, String action, String arn, Map<String, String> variables) {
        return statements.stream().anyMatch(s -> s.allows(action) && appliesTo(s, arn, variables));
    }

    /** Every action any Allow statement grants. */
    static List<String> allowedActions(List<Statement> statements) {
        List<String> actions = new ArrayList<>();
        statements.stream().filter(s -> s.effect().equals("Allow")).forEach(s -> actions.addAll(s.actions()));
        return actions;
    }

    /** The policy document of the role's S3 statements as JSON, resolved: what moto is given as the role's policy. */
    static String s3PolicyJson(List<Statement> statements, Map<String, String> variables) {
        StringBuilder json = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
        boolean first = true;
        for (Statement statement : statements) {
            List<String> s3 = statement.actions().stream().filter(a -> a.startsWith("s3:")).toList();
            if (s3.isEmpty()) {
                continue;
            }
            json.append(first ? "" : ",").append("{\"Effect\":\"").append(statement.effect()).append("\",\"Action\":[");
            json.append(String.join(",", s3.stream().map(a -> "\"" + a + "\"").toList())).append("],\"Resource\":[");
            json.append(String.join(",", statement.resources().stream()
                    .map(r -> "\"" + resolve(r, variables) + "\"").toList())).append("]}");
            first = false;
        }
        return json.append("]}").toString();
    }

    static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        for (Object v : values(value)) {
            out.add(String.valueOf(v));
        }
        return out;
    }

    static List<Object> values(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of(value);
    }

    /** Variables that make the template's S3 ARNs concrete for one bucket and backup name. */
    static Map<String, String> bucketVariables(String bucket, String backupName) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("BackupBucket.Arn", "arn:aws:s3:::" + bucket);
        variables.put("BackupBucket", bucket);
        variables.put("BackupName", backupName);
        variables.put("AWS::Partition", "aws");
        variables.put("AWS::Region", "eu-west-1");
        variables.put("AWS::AccountId", "123456789012");
        return variables;
    }
}
