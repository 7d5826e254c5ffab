import { loadClient, secretMatches } from '#shared/tenant/clients';
import type { ClientGrantRecord, ClientRecord } from '#shared/db/clients-repo';
import { OAuthError } from '#shared/platform/errors';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';

/**
 * Authenticates the client of a token request. Confidential clients (machine and regular web
 * apps) must prove their secret; public clients (SPA, native) cannot keep one, so they may omit
 * it (a secret they do send must still match). Every failure is Auth0's 401 "Unauthorized".
 */
const unauthorized = () => new OAuthError(401, 'access_denied', 'Unauthorized');
/** Our ids are 32 characters; anything much longer cannot exist and must not become a key. */
const MAX_CLIENT_ID_LENGTH = 128;
const PUBLIC_APP_TYPES = new Set<ClientRecord['app_type']>(['spa', 'native']);

export interface AuthenticatedClient {
  client: ClientRecord;
  grants: ClientGrantRecord[];
}

export async function authenticateClient(req: TokenRequest, grantType: string): Promise<AuthenticatedClient> {
  if (!req.clientId) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: client_id');
  if (req.clientId.length > MAX_CLIENT_ID_LENGTH) throw unauthorized();
  const loaded = await loadClient(req.clientId);
  if (!loaded) throw unauthorized();
  const needsSecret = !PUBLIC_APP_TYPES.has(loaded.client.app_type) || req.clientSecret !== undefined;
  if (needsSecret && (!req.clientSecret || !secretMatches(loaded.client, req.clientSecret))) throw unauthorized();
  if (!loaded.client.grant_types.includes(grantType)) {
    throw new OAuthError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);
  }
  return loaded;
}
