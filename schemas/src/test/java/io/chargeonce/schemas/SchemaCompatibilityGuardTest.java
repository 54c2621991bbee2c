package io.chargeonce.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed contract: every schema in src/main/avro must stay FULLY compatible with its copy in
 * src/test/resources/compat-baseline (old and new readers both keep working). Move the baseline only
 * after the change has shipped to every producer and consumer.
 */
class SchemaCompatibilityGuardTest {

    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path BASELINE = Path.of("src/test/resources/compat-baseline");

    @Test
    void everyCurrentSchemaIsFullyCompatibleWithItsBaseline() {
        Map<String, Schema> current = AvscFiles.parseAll(CURRENT);
        Map<String, Schema> baseline = AvscFiles.parseAll(BASELINE);

        assertThat(current).as("schemas in %s", CURRENT).isNotEmpty();
        assertThat(current.keySet())
                .as("a schema without a baseline is unguarded; a baseline without a schema was deleted")
                .isEqualTo(baseline.keySet());
        current.forEach((file, schema) -> assertThat(SchemaEvolution.fullCompatibilityProblems(baseline.get(file), schema))
                .as("%s against its baseline", file)
                .isEmpty());
    }

    @Test
    void addingAnOptionalFieldWithADefaultIsAccepted() {
        Schema baseline = paymentRequestedBaseline();
        Schema evolved = withExtraField(baseline, SchemaBuilder.builder().nullable().stringType(), true);

        assertThat(SchemaEvolution.fullCompatibilityProblems(baseline, evolved)).isEmpty();
    }

    @Test
    void removingAFieldWithoutADefaultIsCaught() {
        Schema baseline = paymentRequestedBaseline();
        Schema withoutOrderId = copyExcept(baseline, "orderId", null);

        // old readers require orderId and have no default for it
        assertThat(SchemaEvolution.fullCompatibilityProblems(baseline, withoutOrderId))
                .singleElement().asString()
                .contains("old schema cannot read new data", "READER_FIELD_MISSING_DEFAULT_VALUE", "orderId");
    }

    @Test
    void changingAFieldTypeIsCaught() {
        Schema baseline = paymentRequestedBaseline();
        Schema amountAsString = copyExcept(baseline, "amountMinor",
                new Schema.Field("amountMinor", Schema.create(Schema.Type.STRING)));

        assertThat(SchemaEvolution.fullCompatibilityProblems(baseline, amountAsString))
                .anySatisfy(p -> assertThat(p).contains("new schema cannot read old data", "TYPE_MISMATCH", "amountMinor"))
                .anySatisfy(p -> assertThat(p).contains("old schema cannot read new data", "TYPE_MISMATCH", "amountMinor"));
    }

    @Test
    void addingAFieldWithoutADefaultIsCaught() {
        Schema baseline = paymentRequestedBaseline();
        Schema evolved = withExtraField(baseline, Schema.create(Schema.Type.STRING), false);

        // new readers need the field and old data does not have it
        assertThat(SchemaEvolution.fullCompatibilityProblems(baseline, evolved))
                .singleElement().asString()
                .contains("new schema cannot read old data", "READER_FIELD_MISSING_DEFAULT_VALUE", "statementDescriptor");
    }

    private static Schema paymentRequestedBaseline() {
        return AvscFiles.parseAll(BASELINE).get("PaymentRequested.avsc");
    }

    private static Schema withExtraField(Schema schema, Schema fieldType, boolean defaultNull) {
        var fields = schema.getFields().stream().map(f -> new Schema.Field(f, f.schema())).toList();
        var all = new java.util.ArrayList<>(fields);
        all.add(defaultNull
                ? new Schema.Field("statementDescriptor", fieldType, null, Schema.Field.NULL_DEFAULT_VALUE)
                : new Schema.Field("statementDescriptor", fieldType));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, all);
    }

    /** The same record with one field dropped ({@code replacement} null) or replaced. */
    private static Schema copyExcept(Schema schema, String fieldName, Schema.Field replacement) {
        var fields = new java.util.ArrayList<Schema.Field>();
        for (Schema.Field f : schema.getFields()) {
            if (!f.name().equals(fieldName)) {
                fields.add(new Schema.Field(f, f.schema()));
            } else if (replacement != null) {
                fields.add(replacement);
            }
        }
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
