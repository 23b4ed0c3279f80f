package dev.pgvault.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import javax.net.SocketFactory;
import jdk.net.ExtendedSocketOptions;

/**
 * The driver's plain sockets (TLS is layered on them by {@link PgvaultSslFactory}) with TCP
 * keepalive probes after {@value #IDLE_SECONDS} s of silence, every {@value #INTERVAL_SECONDS} s,
 * {@value #COUNT} times: a peer that vanished (a NAT or load balancer that dropped the flow, a
 * server that died without a FIN) is noticed within about two minutes instead of the operating
 * system's default of more than two hours ({@code net.ipv4.tcp_keepalive_time} = 7200 s).
 *
 * <p>Keepalives, not a socket read timeout: a restore's CREATE INDEX or a backup's wait for a
 * lock may keep the connection silent for an hour while both ends are alive, and a read timeout
 * would cut it; a keepalive probe is answered by the peer's kernel whatever the server does.
 * Where the platform lacks the per-socket options, the system defaults apply (keepalive is still on).
 */
public final class KeepaliveSocketFactory extends SocketFactory {
    public static final int IDLE_SECONDS = 60;
    public static final int INTERVAL_SECONDS = 10;
    public static final int COUNT = 6;

    /** pgjdbc instantiates the factory named in its {@code socketFactory} property. */
    public KeepaliveSocketFactory() {}

    @Override
    public Socket createSocket() throws IOException {
        Socket socket = new Socket();
        configure(socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket socket = createSocket();
        socket.connect(address);
        return socket;
    }

    /** Keepalive on, with pgvault's timings where the platform supports them. */
    static void configure(Socket socket) throws IOException {
        socket.setKeepAlive(true);
        set(socket, ExtendedSocketOptions.TCP_KEEPIDLE, IDLE_SECONDS);
        set(socket, ExtendedSocketOptions.TCP_KEEPINTERVAL, INTERVAL_SECONDS);
        set(socket, ExtendedSocketOptions.TCP_KEEPCOUNT, COUNT);
    }

    private static void set(Socket socket, SocketOption<Integer> option, int value) {
        try {
            if (socket.supportedOptions().contains(option)) {
                socket.setOption(option, value);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the system's keepalive timings apply
        }
    }
}
