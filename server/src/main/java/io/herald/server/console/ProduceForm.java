package io.herald.server.console;

/** A message to produce from the console. Topic (and, when re-producing, the original) come from the URL. */
public class ProduceForm {

    private String key;
    private String type;
    private String source;
    private String contentType = "application/json";
    private String body;

    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getContentType() { return contentType; }
    public void setContentType(String contentType) { this.contentType = contentType; }
    public String getBody() { return body; }
    public void setBody(String body) { this.body = body; }
}
