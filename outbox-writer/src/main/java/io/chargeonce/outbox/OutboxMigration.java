package io.chargeonce.outbox;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

/**
 * Creates and evolves the {@code outbox} table with Flyway, keeping its own history table and
 * migration location so it composes with the host service's own Flyway migrations in the same
 * schema: the two histories never see each other's scripts.
 */
public final class OutboxMigration {

    /** Flyway history table of the outbox migrations, apart from the host's {@code flyway_schema_history}. */
    public static final String HISTORY_TABLE = "outbox_schema_history";
    /** Classpath location of the outbox migrations. */
    public static final String LOCATION = "classpath:io/chargeonce/outbox/migration";

    private static final Logger log = LoggerFactory.getLogger(OutboxMigration.class);

    private OutboxMigration() {
    }

    /**
     * Brings the outbox table up to date in the data source's default schema. Safe to call on
     * every start and from several instances at once (Flyway takes a lock).
     */
    public static void migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure(OutboxMigration.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations(LOCATION)
                // The host service's tables may already be there: baseline below V1 so a
                // non-empty schema without our history table still gets every outbox script.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        log.info("outbox schema at version {} ({} migrations applied)", version, result.migrationsExecuted);
    }
}
