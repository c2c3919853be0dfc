package io.herald.ops;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Exits 0 when {@code select 1} succeeds on the given JDBC URL, else prints why and exits 1. Lets
 * {@code ops/test} check an existing PostgreSQL (including its authentication) where no psql is installed.
 *
 * <pre>java -cp 'ops/target/pg-lib/*' io.herald.ops.PgProbe jdbc:postgresql://127.0.0.1:5432/postgres postgres [password]</pre>
 */
public final class PgProbe {

    private PgProbe() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: PgProbe JDBC_URL USER [PASSWORD]");
            System.exit(2);
        }
        DriverManager.setLoginTimeout(3);
        try (Connection c = DriverManager.getConnection(args[0], args[1], args.length > 2 ? args[2] : "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select 1")) {
            rs.next();
            System.exit(0);
        } catch (Exception e) {
            System.err.println("PgProbe: " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
