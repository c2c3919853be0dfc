package io.herald.server.egress;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * gRPC's name resolution for processors: {@code host:port} resolved through {@link EgressPolicy#checkedAddresses},
 * so the channel only ever connects to addresses that were checked. A refused or unknown name makes the
 * channel fail its calls with UNAVAILABLE carrying the reason; gRPC resolves again (and so checks again)
 * with back-off and whenever a connection is lost.
 */
final class CheckedNameResolver extends NameResolver {

    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "herald-grpc-resolve");
        t.setDaemon(true);
        return t;
    });

    private final EgressPolicy policy;
    private final String host;
    private final int port;
    private final String authority;
    private final SynchronizationContext sync;
    private final Executor executor;
    private Listener2 listener;
    private boolean resolving;
    private boolean shutdown;

    private CheckedNameResolver(EgressPolicy policy, String host, int port, String authority, Args args) {
        this.policy = policy;
        this.host = host;
        this.port = port;
        this.authority = authority;
        this.sync = args.getSynchronizationContext();
        this.executor = args.getOffloadExecutor() != null ? args.getOffloadExecutor() : LOOKUPS;
    }

    @Override
    public String getServiceAuthority() {
        return authority;
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = listener;
        resolve();
    }

    @Override
    public void refresh() {
        resolve();
    }

    private void resolve() {
        if (resolving || shutdown) {
            return;
        }
        resolving = true;
        executor.execute(() -> {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            Status error = null;
            try {
                for (InetAddress a : policy.checkedAddresses(host, port)) {
                    groups.add(new EquivalentAddressGroup(new InetSocketAddress(a, port)));
                }
            } catch (UnknownHostException e) {
                error = Status.UNAVAILABLE.withDescription(e instanceof EgressPolicy.RefusedTargetException ? e.getMessage()
                        : "cannot resolve " + host + ": " + e.getMessage()).withCause(e);
            } catch (RuntimeException e) {
                error = Status.UNAVAILABLE.withDescription("cannot resolve " + host + ": " + e).withCause(e);
            }
            Status failed = error;
            sync.execute(() -> {
                resolving = false;
                if (shutdown) {
                    return;
                }
                if (failed != null) {
                    listener.onError(failed);
                } else {
                    listener.onResult2(ResolutionResult.newBuilder().setAddresses(groups).build());
                }
            });
        });
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    /** Serves targets of the scheme {@value #SCHEME}, which a plain {@code host:port} target gets as its default. */
    static final class Factory extends NameResolver.Factory {

        static final String SCHEME = "herald-checked";

        private final EgressPolicy policy;

        Factory(EgressPolicy policy) {
            this.policy = policy;
        }

        @Override
        public NameResolver newNameResolver(URI target, Args args) {
            if (!SCHEME.equals(target.getScheme()) || target.getPath() == null || target.getPath().length() < 2) {
                return null;
            }
            String authority = target.getPath().substring(1);
            int colon = authority.lastIndexOf(':');
            if (colon <= 0 || authority.endsWith("]")) {
                throw new IllegalArgumentException("a gRPC processor's address is host:port, not " + authority);
            }
            String host = authority.substring(0, colon);
            int port = Integer.parseInt(authority.substring(colon + 1));
            return new CheckedNameResolver(policy, host, port, authority, args);
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }
    }
}
