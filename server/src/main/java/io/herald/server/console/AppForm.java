package io.herald.server.console;

/** Creating or changing an app; on change the name comes from the URL and this one is ignored. */
public class AppForm {

    private String name;
    private String owner;
    private String description;

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
}
