package io.herald.server.console;

/** Creating or changing a console user; on change the user name comes from the URL. */
public class UserForm {

    private String username;
    private String password;
    private String role = "VIEWER";
    private boolean messageView;
    private boolean enabled = true;

    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getRole() { return role; }
    public void setRole(String role) { this.role = role; }
    public boolean isMessageView() { return messageView; }
    public void setMessageView(boolean messageView) { this.messageView = messageView; }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
}
