package io.chargeonce.sandbox;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;

/**
 * A database created for one user of the sandbox (a test class, a service of the demo), so users
 * never see each other's tables, slots or publications.
 *
 * @param name     the database name, unique within the server
 * @param jdbcUrl  URL for the PostgreSQL JDBC driver, e.g. {@code jdbc:postgresql://127.0.0.1:5433/relay_3}
 * @param user     a superuser (Debezium needs replication and publication rights)
 * @param password its password (the sandbox trusts local connections; any value works)
 */
public record DatabaseInfo(String name, String jdbcUrl, String user, String password) {

    /** A plain (unpooled) data source for this database: for set-up, checks and tests, not for a service's traffic. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }
}
