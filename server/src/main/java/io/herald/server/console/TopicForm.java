package io.herald.server.console;

import java.util.ArrayList;
import java.util.List;

/**
 * The "new topic" form. It carries the new topic's name (a new object is named by its creator)
 * but never an id: a form cannot point at an existing object.
 */
public class TopicForm {

    private String name;
    private String app;
    private Integer partitions = 3;
    private Integer replicationFactor;
    private Long retentionMs;
    /** Share of messages traced, 0 to 1; empty: the server's default. */
    private Double traceSampleRate;
    private String description;
    private List<String> producers = new ArrayList<>();
    /** OPEN (the default) or RESTRICTED. */
    private String consumerPolicy = "OPEN";
    private List<String> consumers = new ArrayList<>();
    private List<TypeForm> types = new ArrayList<>();
    private boolean adopt;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getApp() { return app; }
    public void setApp(String app) { this.app = app; }
    public Integer getPartitions() { return partitions; }
    public void setPartitions(Integer partitions) { this.partitions = partitions; }
    public Integer getReplicationFactor() { return replicationFactor; }
    public void setReplicationFactor(Integer replicationFactor) { this.replicationFactor = replicationFactor; }
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
    public List<TypeForm> getTypes() { return types; }
    public void setTypes(List<TypeForm> types) { this.types = types; }
    public boolean isAdopt() { return adopt; }
    public void setAdopt(boolean adopt) { this.adopt = adopt; }
}
