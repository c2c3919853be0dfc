/** Herald's implementation; not API. Public only where another Herald package or module needs it. */
package io.herald.sdk.internal;
