package io.herald.server.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Start-up secrets ({@code herald.security.*}).
 *
 * @param adminToken    bearer token with full API access ({@code HERALD_ADMIN_TOKEN}); generated and
 *                      printed once when unset
 * @param adminPassword password of the console user {@code admin} ({@code HERALD_ADMIN_PASSWORD}):
 *                      the first admin's password, and at every later start a reset of {@code admin}'s
 *                      password when it differs (audited); generated and printed once when unset
 * @param secretsFile   where generated secrets are also kept, readable only by the owner
 *                      ({@code HERALD_SECRETS_FILE}; {@code ops/run} sets it in local mode); unset: only printed
 */
@ConfigurationProperties("herald.security")
public record HeraldSecurityProperties(String adminToken, String adminPassword, String secretsFile) {
}
