package io.chargeonce.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Reads a directory of .avsc files the way the build does: one file per type, references between files. */
final class AvscFiles {

    private AvscFiles() {
    }

    /** File name → its schema, with names defined in sibling files resolved. */
    static Map<String, Schema> parseAll(Path directory) {
        SchemaParser parser = new SchemaParser();
        Map<String, SchemaParser.ParseResult> parsed = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> avsc = files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
            for (Path file : avsc) {
                parsed.put(file.getFileName().toString(), parser.parse(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schemas in " + directory.toAbsolutePath(), e);
        }
        Map<String, Schema> schemas = new TreeMap<>();
        parsed.forEach((file, result) -> schemas.put(file, parser.resolve(result)));
        return schemas;
    }
}
