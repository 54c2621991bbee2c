package io.chargeonce.outbox;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox migration shares a schema with a host service's own Flyway migrations. */
class OutboxMigrationTest {

    @Test
    void composesWithTheHostServicesFlywayInEitherOrderAndIsRepeatable() throws SQLException {
        DataSource hostFirst = TestPostgres.node().createDatabase("outbox_mig_host_first").dataSource();
        // The usual order: the host's Flyway, untouched defaults, then the outbox.
        Flyway.configure().dataSource(hostFirst).locations("classpath:db/hostmigration").load().migrate();
        OutboxMigration.migrate(hostFirst);
        OutboxMigration.migrate(hostFirst);

        DataSource outboxFirst = TestPostgres.node().createDatabase("outbox_mig_outbox_first").dataSource();
        OutboxMigration.migrate(outboxFirst);
        // After the outbox the schema is not empty, so the host's Flyway needs to baseline too.
        Flyway.configure().dataSource(outboxFirst).locations("classpath:db/hostmigration")
                .baselineOnMigrate(true).baselineVersion("0").load().migrate();

        for (DataSource db : List.of(hostFirst, outboxFirst)) {
            assertThat(tables(db)).contains("orders", "outbox", "flyway_schema_history", "outbox_schema_history");
            assertThat(appliedScripts(db, "outbox_schema_history")).containsExactly("V1__outbox.sql");
            assertThat(appliedScripts(db, "flyway_schema_history"))
                    .containsExactly("V1__host_orders.sql", "V2__host_orders_total.sql");
        }
    }

    private static List<String> tables(DataSource db) throws SQLException {
        return strings(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    }

    private static List<String> appliedScripts(DataSource db, String history) throws SQLException {
        return strings(db, "SELECT script FROM " + history + " WHERE success AND type = 'SQL' ORDER BY installed_rank");
    }

    private static List<String> strings(DataSource db, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = db.getConnection(); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
