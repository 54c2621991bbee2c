package io.chargeonce.schemas;

import org.apache.kafka.common.errors.SerializationException;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * The Confluent wire format's 5-byte header: magic byte {@code 0x00}, then the writer schema's
 * registry id as a 4-byte big-endian int; Avro binary follows. Only the header lives here, so the
 * relay, the DLT tools and the serde agree on it byte for byte.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x00;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * The schema id a framed record names.
     *
     * @throws SerializationException if {@code record} is not in the Confluent wire format, with a guess
     *                                at what it is instead
     */
    public static int schemaId(byte[] record, String topic) {
        if (record.length < HEADER_LENGTH) {
            throw new SerializationException("record on topic " + topic + " is " + record.length
                    + " bytes, too short for the Confluent wire format (1 magic byte 0x00 + 4-byte schema id"
                    + " + Avro body)" + (record.length == 0 ? "; an empty value is not a tombstone, null is" : ""));
        }
        if (record[0] != MAGIC_BYTE) {
            throw new SerializationException("record on topic " + topic
                    + " is not in Confluent wire format: first byte 0x" + HexFormat.of().toHexDigits(record[0])
                    + ", expected 0x00" + guessWhatItIs(record[0]));
        }
        return ((record[1] & 0xff) << 24) | ((record[2] & 0xff) << 16) | ((record[3] & 0xff) << 8) | (record[4] & 0xff);
    }

    private static String guessWhatItIs(byte first) {
        if (first == '{' || first == '[') {
            return " (was it written as JSON?)";
        }
        if (first >= 0x20 && first < 0x7f) {
            return " (it starts with printable text: was it written by a string serializer?)";
        }
        return " (was it written by another serializer, or without a schema registry?)";
    }
}
