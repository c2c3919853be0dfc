package io.herald.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Generates and hashes bearer secrets. API keys and the admin token are 256 random bits, so a
 * plain SHA-256 is enough to store them (no salt or stretching needed, unlike passwords), and it
 * lets a key be found by its hash in one index lookup.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A new secret with a readable prefix, e.g. {@code hk_billing_3q9…}. */
    public static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Compares in constant time. */
    public static boolean matches(String secret, String sha256Hex) {
        return MessageDigest.isEqual(sha256(secret).getBytes(StandardCharsets.US_ASCII),
                sha256Hex.getBytes(StandardCharsets.US_ASCII));
    }

    /** The part of a secret that may be shown in lists and audit entries. */
    public static String visiblePrefix(String secret) {
        return secret.substring(0, Math.min(secret.length(), 10)) + "…";
    }
}
