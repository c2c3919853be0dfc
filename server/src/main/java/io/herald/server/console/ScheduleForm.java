package io.herald.server.console;

import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.schedule.ScheduleService.ScheduleRequest;
import io.herald.server.schedule.ScheduleView;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * Creating or changing a schedule. Start and end are wall-clock times in the schedule's own time
 * zone (text such as {@code 2026-01-31 08:00:00}); the payload is JSON text for a JSON content type,
 * else plain text. The schedule's id comes from the URL, never from the form.
 */
public class ScheduleForm {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private String app;
    private String name;
    private String description;
    private String timing = "CRON";
    private String cron = "0 */5 * * * *";
    private Long fixedRateMillis = 60_000L;
    private String timeZone = "UTC";
    private String startAt;
    private String endAt;
    private Long maxCount;
    private String topic;
    private String type;
    private String key;
    private String contentType = "application/json";
    private String payload = "{}";
    private String misfirePolicy = "FIRE_ONCE";
    private boolean paused;

    static ScheduleForm of(ScheduleView s) {
        ScheduleForm f = new ScheduleForm();
        ZoneId zone = ZoneId.of(s.timeZone());
        f.app = s.app();
        f.name = s.name();
        f.description = s.description();
        f.timing = s.cron() != null ? "CRON" : "RATE";
        f.cron = s.cron() != null ? s.cron() : "";
        f.fixedRateMillis = s.fixedRateMillis();
        f.timeZone = s.timeZone();
        f.startAt = local(s.startAt(), zone);
        f.endAt = local(s.endAt(), zone);
        f.maxCount = s.maxCount();
        f.topic = s.topic();
        f.type = s.type();
        f.key = s.key();
        f.contentType = s.contentType();
        f.payload = s.payload() == null ? "" : payloadText(s);
        f.misfirePolicy = s.misfirePolicy().name();
        f.paused = s.paused();
        return f;
    }

    private static String payloadText(ScheduleView s) {
        if (s.contentType() != null && (s.contentType().contains("json"))) {
            return s.payload();
        }
        // a non-JSON payload is shown as the API returns it: a JSON string; the text itself goes into the form
        try {
            JsonNode node = JSON.readTree(s.payload());
            return node.isString() ? node.asString() : s.payload();
        } catch (JacksonException e) {
            return s.payload();
        }
    }

    private static String local(Instant t, ZoneId zone) {
        return t == null ? null : Views.INPUT.format(LocalDateTime.ofInstant(t, zone).truncatedTo(ChronoUnit.SECONDS));
    }

    /** The request for the schedule service; a value the service cannot even read is refused naming its field. */
    ScheduleRequest request(boolean create) {
        boolean rate = "RATE".equalsIgnoreCase(timing);
        if (!rate && (cron == null || cron.isBlank())) {
            throw new ValidationException("cron", "is required: second minute hour day month weekday, e.g. 0 0 3 * * *");
        }
        if (rate && fixedRateMillis == null) {
            throw new ValidationException("fixedRateMillis", "is required for a fixed rate");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone == null || timeZone.isBlank() ? "UTC" : timeZone.strip());
        } catch (DateTimeException e) {
            throw new ValidationException("timeZone", "is not a known time zone (e.g. Europe/Berlin, UTC)");
        }
        return new ScheduleRequest(create ? app : null, name, description == null ? "" : description,
                rate ? null : (cron == null ? "" : cron), rate ? fixedRateMillis : null, timeZone,
                TimeInput.consoleIn(zone).read("startAt", startAt), TimeInput.consoleIn(zone).read("endAt", endAt), maxCount, topic, type,
                key == null ? "" : key, payload(), contentType, misfirePolicy, paused);
    }

    private JsonNode payload() {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        boolean json = ct.isBlank() || ct.startsWith("application/json") || ct.contains("+json");
        if (!json) {
            return StringNode.valueOf(payload == null ? "" : payload);
        }
        if (payload == null || payload.isBlank()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(payload);
        } catch (JacksonException e) {
            throw new ValidationException("payload", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public String getApp() { return app; }
    public void setApp(String app) { this.app = app; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public String getTiming() { return timing; }
    public void setTiming(String timing) { this.timing = timing; }
    public String getCron() { return cron; }
    public void setCron(String cron) { this.cron = cron; }
    public Long getFixedRateMillis() { return fixedRateMillis; }
    public void setFixedRateMillis(Long fixedRateMillis) { this.fixedRateMillis = fixedRateMillis; }
    public String getTimeZone() { return timeZone; }
    public void setTimeZone(String timeZone) { this.timeZone = timeZone; }
    public String getStartAt() { return startAt; }
    public void setStartAt(String startAt) { this.startAt = startAt; }
    public String getEndAt() { return endAt; }
    public void setEndAt(String endAt) { this.endAt = endAt; }
    public Long getMaxCount() { return maxCount; }
    public void setMaxCount(Long maxCount) { this.maxCount = maxCount; }
    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
    public String getContentType() { return contentType; }
    public void setContentType(String contentType) { this.contentType = contentType; }
    public String getPayload() { return payload; }
    public void setPayload(String payload) { this.payload = payload; }
    public String getMisfirePolicy() { return misfirePolicy; }
    public void setMisfirePolicy(String misfirePolicy) { this.misfirePolicy = misfirePolicy; }
    public boolean isPaused() { return paused; }
    public void setPaused(boolean paused) { this.paused = paused; }
}
