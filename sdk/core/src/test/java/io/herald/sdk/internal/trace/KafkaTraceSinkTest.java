package io.herald.sdk.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.junit.jupiter.api.Test;

class KafkaTraceSinkTest {

    @Test
    void traceRecordsShareTheStickyPartitionsBatchWhateverTheBusinessProducerPartitionsBy() {
        Map<String, Object> business = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                ProducerConfig.PARTITIONER_CLASS_CONFIG, RoundRobinPartitioner.class.getName(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1", ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");

        Map<String, Object> trace = KafkaTraceSink.properties(business, "i-1-trace", 100, "none");

        assertThat(trace).containsEntry(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG, true)
                .doesNotContainKey(ProducerConfig.PARTITIONER_CLASS_CONFIG)
                .doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "i-1-trace")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "1")
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none")
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 100L);
    }
}
