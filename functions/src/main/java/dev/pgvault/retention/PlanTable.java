package dev.pgvault.retention;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A plan as a plain text table (backup, periods, class, action, reason): the dry run's output and the golden files'. */
public final class PlanTable {

    private PlanTable() {}

    public static String render(RetentionPlan plan) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"BACKUP", "PERIODS", "CLASS", "ACTION", "REASON"});
        for (Decision decision : plan.decisions()) {
            rows.add(new String[] {decision.key(), periods(decision),
                    decision.tier() == null ? "-" : decision.tier().s3Name(),
                    decision.action().name().toLowerCase(Locale.ROOT), decision.reason()});
        }
        int[] widths = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                out.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            out.append(row[4]).append('\n');
        }
        out.append(summary(plan)).append('\n');
        return out.toString();
    }

    /** One line: counts kept per tier and deleted, the anchor, and the refusal if any. */
    public static String summary(RetentionPlan plan) {
        String tiers = plan.keptPerTier().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().s3Name())
                .collect(Collectors.joining(", "));
        String line = plan.backupName() + ": " + plan.kept().size() + " kept" + (tiers.isEmpty() ? "" : " (" + tiers + ")")
                + ", " + plan.deletions().size() + " to delete; windows measured from "
                + plan.anchor().map(Object::toString).orElse("(no good backup)");
        return plan.refusal().map(r -> line + "\nREFUSED: " + r).orElse(line);
    }

    static String periods(Decision decision) {
        return decision.roles().isEmpty() ? "-" : decision.roles().entrySet().stream()
                .map(e -> e.getKey().word() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
