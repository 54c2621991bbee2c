package io.chargeonce.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a schema change is safe for chargeonce, where producers and consumers of a topic
 * upgrade in any order and a topic (or a DLT being replayed) holds records of every version at once.
 * That needs FULL compatibility: readers on the new schema read old data (backward) and readers on
 * the old schema read new data (forward). In practice: add or remove only fields that have defaults,
 * never change a field's type, never rename without an alias.
 */
public final class SchemaEvolution {

    private SchemaEvolution() {
    }

    /** What keeps {@code current} from being fully compatible with {@code baseline}; empty if nothing does. */
    public static List<String> fullCompatibilityProblems(Schema baseline, Schema current) {
        List<String> problems = new ArrayList<>();
        readProblems(current, baseline).forEach(p ->
                problems.add(current.getFullName() + ": readers on the new schema cannot read old data: " + p));
        readProblems(baseline, current).forEach(p ->
                problems.add(current.getFullName() + ": readers on the old schema cannot read new data: " + p));
        return List.copyOf(problems);
    }

    /** Why {@code reader} cannot read data written with {@code writer}, one line per field; empty if it can. */
    public static List<String> readProblems(Schema reader, Schema writer) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        List<String> problems = new ArrayList<>();
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            problems.add(incompatibility.getType() + " at " + fieldPath(reader, incompatibility.getLocation())
                    + " (" + incompatibility.getMessage() + ")");
        }
        return List.copyOf(problems);
    }

    /**
     * Turns Avro's JSON-pointer location ({@code /fields/5/type}) into the field path a person looks
     * for ({@code amountMinor}); falls back to the raw location where the walk does not fit.
     */
    static String fieldPath(Schema reader, String location) {
        String[] steps = location.split("/");
        StringBuilder path = new StringBuilder();
        Schema at = reader;
        try {
            for (int i = 1; i < steps.length; i++) {
                switch (steps[i]) {
                    case "fields" -> {
                        Schema.Field field = at.getFields().get(Integer.parseInt(steps[++i]));
                        path.append(path.isEmpty() ? "" : ".").append(field.name());
                        at = field.schema();
                    }
                    case "type", "name", "size", "symbols" -> { }
                    case "items" -> at = at.getElementType();
                    case "values" -> at = at.getValueType();
                    default -> at = at.getTypes().get(Integer.parseInt(steps[i]));
                }
            }
        } catch (RuntimeException unexpectedShape) {
            return location;
        }
        return path.isEmpty() ? location : path + " (" + location + ")";
    }
}
