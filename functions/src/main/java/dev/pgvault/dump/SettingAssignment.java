package dev.pgvault.dump;

import java.util.Set;

/**
 * {@code name TO value} for an {@code ALTER ROLE/DATABASE ... SET} from a stored {@code name=value}
 * (pg_db_role_setting, pg_database settings), written as pg_dump writes it: a list setting's value
 * is already a list of quoted identifiers and goes as it is; any other value is a literal.
 */
public final class SettingAssignment {
    /** GUCs whose value is a list written as identifiers (pg_dump's variable_is_guc_list_quote). */
    private static final Set<String> LIST_SETTINGS = Set.of("search_path", "temp_tablespaces",
            "local_preload_libraries", "session_preload_libraries", "shared_preload_libraries",
            "unix_socket_directories");

    private SettingAssignment() {}

    public static String of(String name, String value) {
        return (name.matches("[A-Za-z_][A-Za-z0-9_.]*") ? name : SqlText.ident(name)) + " TO "
                + (LIST_SETTINGS.contains(name) ? value : SqlText.literal(value));
    }
}
