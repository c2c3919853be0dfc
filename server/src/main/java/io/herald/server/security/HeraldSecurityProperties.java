package io.herald.server.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Start-up secrets ({@code herald.security.*}).
 *
 * @param adminToken    bearer token with full API access ({@code HERALD_ADMIN_TOKEN}); generated and
 *                      printed once when unset
 * @param adminPassword password of the first console user {@code admin} ({@code HERALD_ADMIN_PASSWORD});
 *                      generated and printed once when unset
 */
@ConfigurationProperties("herald.security")
public record HeraldSecurityProperties(String adminToken, String adminPassword) {
}
