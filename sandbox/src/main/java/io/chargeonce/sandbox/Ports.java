package io.chargeonce.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port choice for components. Every component listens on the loopback address only: a sandbox is
 * for this machine, never for the network.
 */
final class Ports {

    static final String LOOPBACK_HOST = "127.0.0.1";
    private static final int FREE_PORT_ATTEMPTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Ports.class);

    private Ports() {
    }

    /** Starts something on a port; throws if it could not. */
    @FunctionalInterface
    interface OnPort<T> {
        T start(int port) throws Exception;
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByName(LOOPBACK_HOST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nobody listens on right now (another process may still take it before we bind). */
    static int pickFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free port on " + LOOPBACK_HOST, e);
        }
    }

    /** Whether a listener could bind the port on the loopback address now. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a failure was a listener losing its port (Kafka's controller port is chosen inside its start). */
    static boolean isBindFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException
                    || (cause.getMessage() != null && cause.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts {@code starter} on the requested port. A fixed port that is taken fails at once with
     * "port N is in use". For {@link SandboxConfig#ANY_FREE_PORT} a free port is chosen. A start that
     * fails because a port was taken meanwhile (another JVM on the machine won the race for it, or
     * for an internal port like Kafka's controller listener) is retried, because that failure says
     * nothing about the component.
     */
    static <T> T startOn(String component, int requested, OnPort<T> starter) throws Exception {
        boolean fixed = requested != SandboxConfig.ANY_FREE_PORT;
        if (fixed && !isFree(requested)) {
            throw new IllegalStateException("port " + requested + " is in use (another sandbox, or a "
                    + component + " already running on this machine?)");
        }
        for (int attempt = 1; ; attempt++) {
            int port = fixed ? requested : pickFree();
            try {
                return starter.start(port);
            } catch (Exception e) {
                boolean lostAPort = isBindFailure(e) || (!fixed && !isFree(port));
                if (attempt >= FREE_PORT_ATTEMPTS || !lostAPort) {
                    throw e;
                }
                LOG.warn("{}: a port was taken by another process before it could bind; trying again", component);
            }
        }
    }
}
