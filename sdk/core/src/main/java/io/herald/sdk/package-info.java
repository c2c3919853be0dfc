/**
 * Herald's client API: build a {@link io.herald.sdk.Herald} with {@link io.herald.sdk.HeraldBuilder},
 * send with its {@link io.herald.sdk.MessageSender}, receive with {@link io.herald.sdk.Listen @Listen}
 * or {@link io.herald.sdk.Herald#listen(io.herald.sdk.Binding, Class, io.herald.sdk.MessageHandler)}.
 * Settings are listed in {@link io.herald.sdk.HeraldSettings}; every exception extends
 * {@link io.herald.sdk.HeraldException} and is either retryable or not. Packages below
 * {@code io.herald.sdk.internal} are not API and change without notice.
 */
package io.herald.sdk;
