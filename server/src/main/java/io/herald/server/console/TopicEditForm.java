package io.herald.server.console;

import java.util.ArrayList;
import java.util.List;

/** Changing a topic: what may change after creation. The topic comes from the URL. */
public class TopicEditForm {

    private String app;
    private Integer partitions;
    private Long retentionMs;
    /** Share of messages traced, 0 to 1; empty: the server's default. */
    private Double traceSampleRate;
    private String description;
    private List<String> producers = new ArrayList<>();
    /** OPEN or RESTRICTED. */
    private String consumerPolicy;
    private List<String> consumers = new ArrayList<>();

    public String getApp() { return app; }
    public void setApp(String app) { this.app = app; }
    public Integer getPartitions() { return partitions; }
    public void setPartitions(Integer partitions) { this.partitions = partitions; }
    public Long getRetentionMs() { return retentionMs; }
    public void setRetentionMs(Long retentionMs) { this.retentionMs = retentionMs; }
    public Double getTraceSampleRate() { return traceSampleRate; }
    public void setTraceSampleRate(Double traceSampleRate) { this.traceSampleRate = traceSampleRate; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public List<String> getProducers() { return producers; }
    public void setProducers(List<String> producers) { this.producers = producers; }
    public String getConsumerPolicy() { return consumerPolicy; }
    public void setConsumerPolicy(String consumerPolicy) { this.consumerPolicy = consumerPolicy; }
    public List<String> getConsumers() { return consumers; }
    public void setConsumers(List<String> consumers) { this.consumers = consumers; }
}
