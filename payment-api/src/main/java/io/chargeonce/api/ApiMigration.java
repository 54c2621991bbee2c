package io.chargeonce.api;

import io.chargeonce.outbox.OutboxMigration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

/**
 * Brings payment-api's database up to date: its own tables (payments, merchants, status inbox),
 * then the outbox table. Each keeps its own Flyway history, so the outbox library can evolve
 * without renumbering ours.
 */
public final class ApiMigration {

    /** Flyway history table of payment-api's own migrations. */
    public static final String HISTORY_TABLE = "payment_api_schema_history";

    private static final Logger log = LoggerFactory.getLogger(ApiMigration.class);

    private ApiMigration() {
    }

    public static void migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure(ApiMigration.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations("classpath:io/chargeonce/api/migration")
                // The outbox's tables may be there already: baseline below V1 so ours still run.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        log.info("payment-api schema at version {} ({} migrations applied)", version, result.migrationsExecuted);
        OutboxMigration.migrate(dataSource);
    }
}
