import { loadClient, secretMatches } from '#shared/tenant/clients';
import type { ClientGrantRecord, ClientRecord } from '#shared/db/clients-repo';
import { InvalidClientError, MissingParameterError, UnauthorizedClientError } from '#shared/authentication/errors';
import type { TokenRequest } from '#shared/authentication/oauth/token-request';

/**
 * Authenticates the client of a token request, before its grant runs. Confidential clients
 * (machine and regular web apps) must prove their secret; public clients (SPA, native) cannot keep
 * one, so they may omit it (a secret they do send must still match). Every failure is Auth0's 401
 * "Unauthorized".
 */
/** Our ids are 32 characters; anything much longer cannot exist and must not become a key. */
const MAX_CLIENT_ID_LENGTH = 128;
const PUBLIC_APP_TYPES = new Set<ClientRecord['app_type']>(['spa', 'native']);

export interface AuthenticatedClient {
  client: ClientRecord;
  grants: ClientGrantRecord[];
}

export async function authenticateClient(req: TokenRequest, grantType: string): Promise<AuthenticatedClient> {
  if (!req.clientId) throw new MissingParameterError('client_id');
  if (req.clientId.length > MAX_CLIENT_ID_LENGTH) throw new InvalidClientError();
  const loaded = await loadClient(req.clientId);
  if (!loaded) throw new InvalidClientError();
  const needsSecret = !PUBLIC_APP_TYPES.has(loaded.client.app_type) || req.clientSecret !== undefined;
  if (needsSecret && (!req.clientSecret || !secretMatches(loaded.client, req.clientSecret))) throw new InvalidClientError();
  if (!loaded.client.grant_types.includes(grantType)) throw new UnauthorizedClientError(grantType);
  return loaded;
}
