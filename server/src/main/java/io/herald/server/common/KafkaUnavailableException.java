package io.herald.server.common;

import org.springframework.http.HttpStatus;

/** Kafka did not answer in time; nothing was changed (503). */
public class KafkaUnavailableException extends HeraldException {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.SERVICE_UNAVAILABLE;
    }

    @Override
    public String title() {
        return "Kafka unavailable";
    }
}
