package io.herald.server.console;

/** Creating or changing a processor; its binding comes from the URL, never from the form. */
public class ProcessorForm {

    private String protocol = "HTTP";
    private String address;
    private Long timeoutMillis = 5000L;
    private Long retryIntervalMillis = 1000L;
    private Integer retryCount = 3;
    private boolean retryExponential;
    /** 4xx statuses to retry, as typed: "404, 409". */
    private String retryStatusCodes = "";
    private Integer concurrency = 1;
    private Integer ratePerSecond;
    private boolean paused;
    private String passBack = "";
    private Long processingDelayMillis = 0L;
    private String startPosition = "";

    public Long getProcessingDelayMillis() { return processingDelayMillis; }
    public void setProcessingDelayMillis(Long processingDelayMillis) { this.processingDelayMillis = processingDelayMillis; }
    public String getStartPosition() { return startPosition; }
    public void setStartPosition(String startPosition) { this.startPosition = startPosition; }

    public String getPassBack() { return passBack; }
    public void setPassBack(String passBack) { this.passBack = passBack; }

    public String getProtocol() { return protocol; }
    public void setProtocol(String protocol) { this.protocol = protocol; }
    public String getAddress() { return address; }
    public void setAddress(String address) { this.address = address; }
    public Long getTimeoutMillis() { return timeoutMillis; }
    public void setTimeoutMillis(Long timeoutMillis) { this.timeoutMillis = timeoutMillis; }
    public Long getRetryIntervalMillis() { return retryIntervalMillis; }
    public void setRetryIntervalMillis(Long retryIntervalMillis) { this.retryIntervalMillis = retryIntervalMillis; }
    public Integer getRetryCount() { return retryCount; }
    public void setRetryCount(Integer retryCount) { this.retryCount = retryCount; }
    public boolean isRetryExponential() { return retryExponential; }
    public void setRetryExponential(boolean retryExponential) { this.retryExponential = retryExponential; }
    public String getRetryStatusCodes() { return retryStatusCodes; }
    public void setRetryStatusCodes(String retryStatusCodes) { this.retryStatusCodes = retryStatusCodes; }

    /**
     * The typed statuses as numbers (a gRPC status may also be given by name, such as NOT_FOUND); anything
     * else is refused naming the field, so the message shows beside the input.
     */
    java.util.List<Integer> retryStatusCodes() {
        if (retryStatusCodes == null || retryStatusCodes.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(retryStatusCodes.split("[,\\s]+")).filter(s -> !s.isEmpty()).map(s -> {
            try {
                return Integer.valueOf(s);
            } catch (NumberFormatException e) {
                if (s.matches("[A-Za-z_]+")) {
                    try {
                        return io.grpc.Status.Code.valueOf(s.toUpperCase(java.util.Locale.ROOT)).value();
                    } catch (IllegalArgumentException notACode) {
                        // refused below
                    }
                }
                throw new io.herald.server.common.ValidationException("retryStatusCodes",
                        "must be statuses separated by commas: HTTP such as 404, 409; gRPC such as NOT_FOUND, INTERNAL (not '" + s + "')");
            }
        }).toList();
    }

    public Integer getConcurrency() { return concurrency; }
    public void setConcurrency(Integer concurrency) { this.concurrency = concurrency; }
    public Integer getRatePerSecond() { return ratePerSecond; }
    public void setRatePerSecond(Integer ratePerSecond) { this.ratePerSecond = ratePerSecond; }
    public boolean isPaused() { return paused; }
    public void setPaused(boolean paused) { this.paused = paused; }
}
