package io.chargeonce.relay.delivery;

import org.apache.kafka.connect.source.SourceRecord;

/**
 * A change record the relay cannot turn into a Kafka record. The relay stops on it instead of
 * skipping it: skipping would lose an event, stopping keeps it in the WAL until someone looks.
 */
public final class MalformedEventException extends RuntimeException {

    MalformedEventException(SourceRecord record, String problem) {
        super("cannot relay change record (routed as '" + record.topic() + "', offset " + record.sourceOffset()
                + "): " + problem);
    }
}
