package io.herald.server.console;

/**
 * Creating or changing a binding. On change, app, group and topic are shown but not sent: the
 * binding comes from the URL.
 */
public class BindingForm {

    private String app;
    private String group;
    private String topic;
    private String kind = "FANOUT";
    private String typePattern;
    private Integer deliveryLimit;
    private Long backoffMillis;
    private Double backoffMultiplier;
    private Long backoffMaxMillis;
    private Long expiryMillis;
    private Integer concurrency;
    private Double ratePerSecond;
    private Long dedupeWindowMillis;
    private boolean paused;

    public String getApp() { return app; }
    public void setApp(String app) { this.app = app; }
    public String getGroup() { return group; }
    public void setGroup(String group) { this.group = group; }
    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getKind() { return kind; }
    public void setKind(String kind) { this.kind = kind; }
    public String getTypePattern() { return typePattern; }
    public void setTypePattern(String typePattern) { this.typePattern = typePattern; }
    public Integer getDeliveryLimit() { return deliveryLimit; }
    public void setDeliveryLimit(Integer deliveryLimit) { this.deliveryLimit = deliveryLimit; }
    public Long getBackoffMillis() { return backoffMillis; }
    public void setBackoffMillis(Long backoffMillis) { this.backoffMillis = backoffMillis; }
    public Double getBackoffMultiplier() { return backoffMultiplier; }
    public void setBackoffMultiplier(Double backoffMultiplier) { this.backoffMultiplier = backoffMultiplier; }
    public Long getBackoffMaxMillis() { return backoffMaxMillis; }
    public void setBackoffMaxMillis(Long backoffMaxMillis) { this.backoffMaxMillis = backoffMaxMillis; }
    public Long getExpiryMillis() { return expiryMillis; }
    public void setExpiryMillis(Long expiryMillis) { this.expiryMillis = expiryMillis; }
    public Integer getConcurrency() { return concurrency; }
    public void setConcurrency(Integer concurrency) { this.concurrency = concurrency; }
    public Double getRatePerSecond() { return ratePerSecond; }
    public void setRatePerSecond(Double ratePerSecond) { this.ratePerSecond = ratePerSecond; }
    public Long getDedupeWindowMillis() { return dedupeWindowMillis; }
    public void setDedupeWindowMillis(Long dedupeWindowMillis) { this.dedupeWindowMillis = dedupeWindowMillis; }
    public boolean isPaused() { return paused; }
    public void setPaused(boolean paused) { this.paused = paused; }
}
