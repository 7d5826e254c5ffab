import { decodeJwt, errors, jwtVerify } from 'jose';
import type { ClientRecord } from '#shared/db/clients-repo';
import type { Reply } from '#shared/http/event';
import { loadClient } from '#shared/tenant/clients';
import { loadTenantSettings } from '#shared/tenant/settings';
import { matchesRegisteredUrl } from '#shared/tenant/url-match';
import { config } from '#shared/platform/config';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import { verificationKey } from '#shared/authentication/tokens/signing-keys';
import { PageError } from '#shared/authentication/authorize/request';
import { errorPage, newNonce } from '#shared/authentication/authorize/respond';
import { endSession } from '#shared/authentication/authorize/sso';
import { pageHeaders, renderLoggedOut } from '#shared/authentication/universal-login/pages/index';

/**
 * Logout, Auth0's way (GET /v2/logout: client_id, returnTo, federated) and OIDC's
 * (GET /oidc/logout: id_token_hint, client_id, post_logout_redirect_uri, state, logout_hint).
 * The SSO session ends first, whatever else the request gets wrong. A return URL must be one of
 * the application's Allowed Logout URLs, then the tenant's; without one the user is sent to the
 * application's first logout URL (Auth0's rule) or shown a "logged out" page.
 */
const MAX_CLIENT_ID_LENGTH = 128;
const MAX_URL_LENGTH = 2048;

export async function logout(query: Record<string, string>, cookies: Record<string, string>): Promise<Reply> {
  const { clearCookie } = await endSession(cookies);
  const client = await optionalClient(query.client_id);
  const returnTo = query.returnTo;
  if (returnTo === undefined || returnTo === '') {
    const first = client?.allowed_logout_urls?.find((url) => !url.includes('*'));
    return first ? redirect(first, clearCookie) : await loggedOut(clearCookie);
  }
  if (!(await allowedReturn(returnTo, client))) {
    return errorPage(
      400,
      'Logout URL not allowed',
      `The "returnTo" querystring parameter "${returnTo.slice(0, 200)}" is not defined as a valid URL in "Allowed Logout URLs".`,
      'invalid_request',
      [clearCookie],
    );
  }
  return redirect(returnTo, clearCookie);
}

export async function oidcLogout(query: Record<string, string>, cookies: Record<string, string>): Promise<Reply> {
  const { clearCookie } = await endSession(cookies);
  const hinted = query.id_token_hint ? await hintedClientId(query.id_token_hint) : undefined;
  if (hinted && query.client_id && hinted !== query.client_id) {
    return errorPage(400, 'Invalid logout request', 'client_id does not match the id_token_hint audience.', 'invalid_request', [clearCookie]);
  }
  const client = await optionalClient(hinted ?? query.client_id);
  const target = query.post_logout_redirect_uri;
  if (target === undefined || target === '') return loggedOut(clearCookie);
  if (!client) {
    return errorPage(400, 'Invalid logout request', 'post_logout_redirect_uri needs an id_token_hint or a client_id.', 'invalid_request', [clearCookie]);
  }
  if (target.length > MAX_URL_LENGTH || !matchesRegisteredUrl(target, client.allowed_logout_urls)) {
    return errorPage(
      400,
      'Logout URL not allowed',
      `The "post_logout_redirect_uri" parameter "${target.slice(0, 200)}" is not defined as a valid URL in "Allowed Logout URLs".`,
      'invalid_request',
      [clearCookie],
    );
  }
  const url = new URL(target);
  if (query.state) url.searchParams.set('state', query.state.slice(0, MAX_URL_LENGTH));
  return redirect(url.href, clearCookie);
}

async function optionalClient(clientId: string | undefined): Promise<ClientRecord | undefined> {
  if (!clientId || clientId.length > MAX_CLIENT_ID_LENGTH) return undefined;
  return (await loadClient(clientId))?.client;
}

async function allowedReturn(url: string, client: ClientRecord | undefined): Promise<boolean> {
  if (url.length > MAX_URL_LENGTH) return false;
  if (client && matchesRegisteredUrl(url, client.allowed_logout_urls)) return true;
  return matchesRegisteredUrl(url, (await loadTenantSettings()).allowed_logout_urls);
}

/**
 * The application an ID token was issued to, if we signed it (RS256, our issuer). An expired
 * token is still a good hint (OIDC RP-initiated logout allows it); a forged one is refused.
 */
async function hintedClientId(token: string): Promise<string | undefined> {
  let audience: string | undefined;
  try {
    const aud = decodeJwt(token).aud;
    audience = Array.isArray(aud) ? aud[0] : aud;
  } catch {
    throw new PageError(400, 'Invalid logout request', 'invalid_request', 'id_token_hint is not a valid ID token.');
  }
  if (!audience) throw new PageError(400, 'Invalid logout request', 'invalid_request', 'id_token_hint is not a valid ID token.');
  try {
    await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? await verificationKey(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      { algorithms: [SIGNING_ALG], issuer: config.ISSUER, audience },
    );
  } catch (error) {
    // The signature was checked before the expiry: an expired token of ours still names its audience.
    if (!(error instanceof errors.JWTExpired)) {
      throw new PageError(400, 'Invalid logout request', 'invalid_request', 'id_token_hint is not a valid ID token.');
    }
  }
  return audience;
}

function redirect(location: string, clearCookie: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, cookies: [clearCookie] };
}

async function loggedOut(clearCookie: string): Promise<Reply> {
  const settings = await loadTenantSettings();
  const nonce = newNonce();
  return {
    headers: pageHeaders({ nonce }),
    text: renderLoggedOut({ nonce, ...(settings.friendly_name ? { tenantName: settings.friendly_name } : {}) }),
    cookies: [clearCookie],
  };
}
