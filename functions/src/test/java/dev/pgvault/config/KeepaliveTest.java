package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.TestDatabase;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every connection pgvault opens detects a vanished peer in minutes: keepalive probes on its own
 * socket, and the server asked to probe too, on a real PostgreSQL over TCP.
 */
class KeepaliveTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @Test
    void theServerProbesAVanishedClientAfterAMinute() throws SQLException {
        try (Connection c = target("sslmode=disable").connect()) {
            assertThat(settings(c)).containsEntry("tcp_keepalives_idle", "60")
                    .containsEntry("tcp_keepalives_interval", "10")
                    .containsEntry("tcp_keepalives_count", "6");
        }
    }

    @Test
    void startupOptionsInTheUrlAreKeptAndWinOverPgvaultsKeepalives() throws SQLException {
        // options=-c tcp_keepalives_idle=300 -c search_path=billing,public
        try (Connection c = target("sslmode=disable&options=-c%20tcp_keepalives_idle%3D300%20-c%20search_path%3Dbilling%2Cpublic")
                .connect()) {
            Map<String, String> settings = settings(c);
            assertThat(settings).containsEntry("tcp_keepalives_idle", "300")
                    .containsEntry("tcp_keepalives_interval", "10")
                    .containsEntry("tcp_keepalives_count", "6")
                    .containsEntry("search_path", "billing,public");
        }
    }

    @Test
    void pgvaultsSocketsProbeAfterSixtySecondsOfSilence() throws Exception {
        try (Socket socket = new KeepaliveSocketFactory().createSocket()) {
            assertThat(socket.getKeepAlive()).isTrue();
            if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(60);
                assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(10);
                assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(6);
            }
        }
        DatabaseTarget target = target("sslmode=disable");
        var properties = target.driverProperties(target.tlsPlan(), "t", true);
        assertThat(properties.getProperty("socketFactory")).isEqualTo(KeepaliveSocketFactory.class.getName());
        assertThat(properties.getProperty("tcpKeepAlive")).isEqualTo("true");
        assertThat(properties.getProperty("socketTimeout")).as("no read timeout: an index build may be silent for an hour")
                .isNull();
    }

    @Test
    void optionsAreAppendedNotReplaced() {
        assertThat(DatabaseTarget.withServerKeepalives(null))
                .isEqualTo("-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=6");
        assertThat(DatabaseTarget.withServerKeepalives("-c statement_timeout=0 -c tcp_keepalives_count=3"))
                .isEqualTo("-c statement_timeout=0 -c tcp_keepalives_count=3 -c tcp_keepalives_idle=60"
                        + " -c tcp_keepalives_interval=10");
    }

    private DatabaseTarget target(String query) {
        return DatabaseTarget.parseUrl(db.libpqUrl() + "?" + query, "test URL");
    }

    private static Map<String, String> settings(Connection c) throws SQLException {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name, setting FROM pg_settings"
                + " WHERE name IN ('tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_keepalives_count', 'search_path')")) {
            while (rs.next()) {
                settings.put(rs.getString(1), rs.getString(2));
            }
        }
        return settings;
    }
}
