import { loadClient, secretMatches } from '#shared/tenant/clients';
import type { ClientGrantRecord, ClientRecord } from '#shared/db/clients-repo';
import { InvalidClientError, MissingParameterError, UnauthorizedClientError } from '#shared/authentication/errors';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';

/**
 * Authenticates the client of a token request, before its grant runs, by the client's
 * `token_endpoint_auth_method`:
 * - `none` (a public client): no secret; one that is sent anyway is refused (it cannot be a
 *   public client's, and accepting it would hide a misconfiguration);
 * - `client_secret_post` / `client_secret_basic`: the secret, by that method only;
 * - unset (clients made before the method was stored, or created without it, as Auth0 allows):
 *   confidential app types must prove their secret by either method; public ones (SPA, native)
 *   may omit it (a secret they do send must still match).
 * client_credentials always needs a proven secret: a public client cannot act for itself.
 * Every failure is Auth0's 401 "Unauthorized"; a grant type the client lacks is 403 unauthorized_client.
 */
/** Our ids are 32 characters; anything much longer cannot exist and must not become a key. */
const MAX_CLIENT_ID_LENGTH = 128;
const PUBLIC_APP_TYPES = new Set<ClientRecord['app_type']>(['spa', 'native']);

export interface AuthenticatedClient {
  client: ClientRecord;
  grants: ClientGrantRecord[];
  /** The request proved the client's secret (a public client's never does: it must use PKCE). */
  secretProven: boolean;
}

/** `grantType` undefined: an endpoint that is no grant (POST /oauth/revoke): the client's grant types are not checked. */
export async function authenticateClient(req: TokenRequest, grantType: string | undefined): Promise<AuthenticatedClient> {
  if (!req.clientId) throw new MissingParameterError('client_id');
  if (req.clientId.length > MAX_CLIENT_ID_LENGTH) throw new InvalidClientError();
  const loaded = await loadClient(req.clientId);
  if (!loaded) throw new InvalidClientError();
  const proven = proveSecret(loaded.client, req);
  if (grantType !== undefined && !loaded.client.grant_types.includes(grantType)) throw new UnauthorizedClientError(grantType);
  if (grantType === 'client_credentials' && !proven) throw new InvalidClientError();
  return { ...loaded, secretProven: proven };
}

/** Whether the request proved the client's secret; throws when it authenticated wrongly. */
function proveSecret(client: ClientRecord, req: TokenRequest): boolean {
  const method = client.token_endpoint_auth_method;
  if (method === 'none') {
    if (req.clientSecret !== undefined) throw new InvalidClientError();
    return false;
  }
  const needsSecret = method !== undefined || !PUBLIC_APP_TYPES.has(client.app_type) || req.clientSecret !== undefined;
  if (!needsSecret) return false;
  if (!req.clientSecret || (method !== undefined && req.authMethod !== method)) throw new InvalidClientError();
  if (!secretMatches(client, req.clientSecret)) throw new InvalidClientError();
  return true;
}
