package dev.pgvault.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * template.yaml as data, for tests: plain YAML with the CloudFormation short-form tags
 * ({@code !Ref}, {@code !Sub}, {@code !GetAtt}, {@code !If}, ...) turned into {@link Intrinsic}
 * values, and the long forms ({@code Ref:}, {@code Fn::Sub:}) left as the maps they are but
 * understood by {@link #intrinsics(Object)}. Also the names a reference may use: parameters,
 * resources, pseudo-parameters, and the roles SAM generates.
 */
public final class SamTemplate {
    /** A CloudFormation intrinsic function: {@code name} without "Fn::" ("Ref", "Sub", "GetAtt", ...). */
    public record Intrinsic(String name, Object value) {
    }

    public static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs",
            "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");

    private static final List<String> TAGS = List.of("Ref", "Sub", "GetAtt", "If", "Not", "Equals", "And", "Or",
            "Join", "Select", "Split", "FindInMap", "Base64", "Cidr", "GetAZs", "ImportValue", "Condition",
            "Length", "ToJsonString", "Transform");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final Map<String, Object> root;

    private SamTemplate(Map<String, Object> root) {
        this.root = root;
    }

    public static SamTemplate load(Path file) {
        try {
            return parse(Files.readString(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A template given as text (a test's own snippet), {@code label} naming it in parse errors. */
    @SuppressWarnings("unchecked")
    public static SamTemplate parse(String yaml, String label) {
        LoadSettings settings = LoadSettings.builder().setLabel(label).build();
        Object document = new Load(settings, new CloudFormationConstructor(settings)).loadFromString(yaml);
        return new SamTemplate((Map<String, Object>) document);
    }

    public Map<String, Object> root() {
        return root;
    }

    public Map<String, Object> section(String name) {
        return map(root.get(name));
    }

    public Map<String, Object> parameters() {
        return section("Parameters");
    }

    public Map<String, Object> conditions() {
        return section("Conditions");
    }

    public Map<String, Object> resources() {
        return section("Resources");
    }

    /** Resources of one type, by logical id. */
    public Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, body) -> {
            if (type.equals(map(body).get("Type"))) {
                found.put(id, map(body));
            }
        });
        return found;
    }

    public Map<String, Object> properties(String logicalId) {
        return map(map(resources().get(logicalId)).get("Properties"));
    }

    /**
     * Names a Ref or GetAtt may point at: parameters, resources, pseudo-parameters, and what SAM
     * adds when it expands its resources (a function's or state machine's {@code <id>Role}).
     */
    public Set<String> referenceableNames() {
        Set<String> names = new LinkedHashSet<>(parameters().keySet());
        names.addAll(resources().keySet());
        names.addAll(PSEUDO_PARAMETERS);
        for (String type : List.of("AWS::Serverless::Function", "AWS::Serverless::StateMachine")) {
            resources(type).forEach((id, body) -> {
                if (!map(body.get("Properties")).containsKey("Role")) {
                    names.add(id + "Role");
                }
            });
        }
        return names;
    }

    /** Every intrinsic function anywhere under {@code node}, short or long form, with its location. */
    public static List<Located> intrinsics(Object node) {
        List<Located> found = new ArrayList<>();
        walk(node, "", (path, value) -> {
            if (value instanceof Intrinsic i) {
                found.add(new Located(path, i));
            } else if (value instanceof Map<?, ?> m && m.size() == 1) {
                Object key = m.keySet().iterator().next();
                if ("Ref".equals(key) || (key instanceof String s && s.startsWith("Fn::"))) {
                    found.add(new Located(path, new Intrinsic(((String) key).replace("Fn::", ""), m.get(key))));
                }
            }
        });
        return found;
    }

    public record Located(String path, Intrinsic intrinsic) {
    }

    /** The variables a Sub string names ({@code ${X}}, {@code ${X.Attr}}), not {@code ${!Literal}}. */
    public static Set<String> subVariables(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = SUB_VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1).trim());
        }
        return names;
    }

    /** Visits every node with a readable path (Resources.X.Properties.Policies[0]...). */
    public static void walk(Object node, String path, BiConsumer<String, Object> visitor) {
        visitor.accept(path, node);
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path.isEmpty() ? String.valueOf(k) : path + "." + k, visitor));
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "[" + i + "]", visitor);
            }
        } else if (node instanceof Intrinsic i) {
            walk(i.value(), path + "!" + i.name(), visitor);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Plain YAML plus one constructor per CloudFormation tag, keeping the tagged value as it is written. */
    private static final class CloudFormationConstructor extends StandardConstructor {
        CloudFormationConstructor(LoadSettings settings) {
            super(settings);
            for (String name : TAGS) {
                tagConstructors.put(new Tag("!" + name), new IntrinsicConstructor(name));
            }
        }

        private final class IntrinsicConstructor implements ConstructNode {
            private final String name;

            IntrinsicConstructor(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object value = switch (node) {
                    case ScalarNode scalar -> constructScalar(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> throw new IllegalArgumentException("unexpected node for !" + name + ": " + node);
                };
                if (name.equals("GetAtt") && value instanceof String dotted) {
                    int dot = dotted.indexOf('.');
                    value = dot < 0 ? List.of(dotted) : List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
                }
                return new Intrinsic(name, value);
            }
        }
    }
}
