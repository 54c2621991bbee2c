package io.chargeonce.outbox;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads what logical decoding (pgoutput, as the relay uses it) sees of the outbox table, without
 * consuming it: a publication for the outbox table and a logical slot created for one test class,
 * both dropped by {@link #close()}. Decodes just enough of the pgoutput protocol (v1) to show the
 * insert and delete messages with their text column values.
 */
final class WalPeek implements AutoCloseable {

    /** One decoded row change: {@code 'I'} insert or {@code 'D'} delete, of {@code table}, with column values by name. */
    record Change(char kind, long xid, String table, Map<String, String> columns) {
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String slot = "outbox_test_" + UUID.randomUUID().toString().replace("-", "");
    private final String publication = "outbox_test_pub";

    WalPeek(String jdbcUrl, String user, String password) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE PUBLICATION " + publication + " FOR TABLE outbox");
            statement.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
    }

    /** Every insert and delete of the outbox table decoded since the slot was created. */
    List<Change> changes() throws SQLException {
        List<Change> changes = new ArrayList<>();
        Map<Integer, Relation> relations = new HashMap<>();
        try (Connection connection = connect();
             PreparedStatement peek = connection.prepareStatement("""
                     SELECT xid, data FROM pg_logical_slot_peek_binary_changes(?, NULL, NULL,
                         'proto_version', '1', 'publication_names', ?)""")) {
            peek.setString(1, slot);
            peek.setString(2, publication);
            try (ResultSet rows = peek.executeQuery()) {
                while (rows.next()) {
                    decode(rows.getLong("xid"), rows.getBytes("data"), relations, changes);
                }
            }
        }
        return changes;
    }

    /** The changes of the outbox row with {@code id}. */
    List<Change> changesOf(UUID id) throws SQLException {
        return changes().stream().filter(c -> id.toString().equals(c.columns().get("id"))).toList();
    }

    @Override
    public void close() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('" + slot + "')");
            statement.execute("DROP PUBLICATION " + publication);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    private record Relation(String name, List<String> columns) {
    }

    private static void decode(long xid, byte[] message, Map<Integer, Relation> relations, List<Change> out) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
            char kind = (char) in.readByte();
            switch (kind) {
                case 'R' -> {
                    int id = in.readInt();
                    String namespace = cString(in);
                    String name = cString(in);
                    in.readByte(); // replica identity setting
                    int count = in.readShort();
                    List<String> columns = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        in.readByte(); // flags
                        columns.add(cString(in));
                        in.readInt(); // type oid
                        in.readInt(); // type modifier
                    }
                    relations.put(id, new Relation(namespace + "." + name, columns));
                }
                case 'I', 'D' -> {
                    Relation relation = relations.get(in.readInt());
                    in.readByte(); // 'N' new tuple, or 'K'/'O' key/old tuple for deletes
                    out.add(new Change(kind, xid, relation.name(), tuple(in, relation)));
                }
                default -> {
                    // begin, commit, origin, type, truncate: not needed here
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> tuple(DataInputStream in, Relation relation) throws IOException {
        Map<String, String> values = new HashMap<>();
        int count = in.readShort();
        for (int i = 0; i < count; i++) {
            char type = (char) in.readByte();
            if (type == 't') {
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                values.put(relation.columns().get(i), new String(value, StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String cString(DataInputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        for (byte b = in.readByte(); b != 0; b = in.readByte()) {
            text.append((char) b);
        }
        return text.toString();
    }
}
