import { config } from '#shared/platform/config';
import type { ClientRecord } from '#shared/db/clients-repo';
import { REFRESH_TOKEN_TTL_SECONDS } from '#shared/authentication/login/refresh-tokens';

/**
 * How long a token session lives (seconds): it outlives every token of it, since /userinfo and
 * the Management API check it. With offline_access, the refresh token's absolute lifetime.
 */
export function sessionLifetime(client: ClientRecord, offline: boolean, accessTokenLifetime: number | undefined): number {
  const tokenLifetime = accessTokenLifetime ?? config.ACCESS_TOKEN_TTL_SECONDS;
  return offline ? Math.max(refreshLifetime(client), tokenLifetime) : tokenLifetime;
}

/**
 * The application's absolute refresh token lifetime (`refresh_token.token_lifetime` when
 * `expiration_type` is `expiring` and the lifetime is not infinite); else REFRESH_TOKEN_TTL_SECONDS
 * (Auth0's non-expiring tokens do not expire; ours end after 30 days: docs/applications.md).
 */
function refreshLifetime(client: ClientRecord): number {
  const settings = client.refresh_token;
  if (settings?.expiration_type === 'expiring' && !settings.infinite_token_lifetime) return settings.token_lifetime;
  return REFRESH_TOKEN_TTL_SECONDS;
}
