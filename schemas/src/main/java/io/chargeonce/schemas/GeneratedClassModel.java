package io.chargeonce.schemas;

import org.apache.avro.Schema;
import org.apache.avro.specific.AvroGenerated;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Avro data model for reading into one generated class and the generated types it contains.
 *
 * <p>Avro 1.12 refuses to instantiate any class a schema names unless it is listed in the
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} system property (the fix for schemas from untrusted
 * sources naming arbitrary classes). Resolution only instantiates classes named by the reader schema,
 * and ours is compiled into the generated class, so this model answers those names itself, for
 * {@link AvroGenerated} classes only, instead of asking every service to set a JVM-wide property.
 * Anything else still goes through Avro's check.
 */
final class GeneratedClassModel extends SpecificData {

    private final Map<String, Class<?>> classesByFullName = new HashMap<>();

    GeneratedClassModel(Class<? extends SpecificRecord> type) {
        super(type.getClassLoader());
        SpecificData generated = SpecificData.getForClass(type);
        // the generated model carries the logical-type conversions (timestamp-millis <-> Instant)
        generated.getConversions().forEach(this::addLogicalTypeConversion);
        Schema schema = generated.getSchema(type);
        collectNamedTypes(schema, type.getClassLoader(), new HashSet<>());
        classesByFullName.put(schema.getFullName(), type);
    }

    @Override
    public Class getClass(Schema schema) {
        Class<?> known = switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> classesByFullName.get(schema.getFullName());
            default -> null;
        };
        return known != null ? known : super.getClass(schema);
    }

    private void collectNamedTypes(Schema schema, ClassLoader loader, Set<String> visited) {
        switch (schema.getType()) {
            case RECORD -> {
                if (visited.add(schema.getFullName())) {
                    load(schema, loader);
                    schema.getFields().forEach(field -> collectNamedTypes(field.schema(), loader, visited));
                }
            }
            case ENUM, FIXED -> {
                if (visited.add(schema.getFullName())) {
                    load(schema, loader);
                }
            }
            case ARRAY -> collectNamedTypes(schema.getElementType(), loader, visited);
            case MAP -> collectNamedTypes(schema.getValueType(), loader, visited);
            case UNION -> schema.getTypes().forEach(branch -> collectNamedTypes(branch, loader, visited));
            default -> {
            }
        }
    }

    private void load(Schema named, ClassLoader loader) {
        try {
            Class<?> generated = Class.forName(SpecificData.getClassName(named), false, loader);
            if (generated.isAnnotationPresent(AvroGenerated.class)) {
                classesByFullName.put(named.getFullName(), generated);
            }
        } catch (ClassNotFoundException e) {
            // no generated class: Avro falls back to a generic record or enum symbol for this type
        }
    }
}
