import { decodeJwt } from 'jose';
import { createClient } from '#shared/tenant/clients';
import { call, type CallResult } from '#test/support/api';
import { CONNECTION, seedUser, uniqueEmail } from '#test/support/users';

/** An application that may log users in, and helpers to log in through /oauth/token. */
export const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
export const PASSWORD = 'Str0ng-Passw0rd!';

export async function seedApplication(grantTypes = ['password', REALM_GRANT, 'refresh_token'], appType: 'regular_web' | 'spa' = 'regular_web') {
  const { client, client_secret } = await createClient({ name: `app-${Math.random().toString(36).slice(2, 8)}`, app_type: appType, grant_types: grantTypes });
  return { client_id: client.client_id, client_secret };
}

export async function seedLoginUser(fields: Record<string, unknown> = {}) {
  return seedUser({ email: uniqueEmail('login'), password: PASSWORD, ...fields });
}

export function login(
  app: { client_id: string; client_secret?: string },
  params: Record<string, string>,
  sourceIp?: string,
): Promise<CallResult> {
  return call('oauth-token', {
    headers: { 'content-type': 'application/json' },
    rawBody: JSON.stringify({ grant_type: REALM_GRANT, realm: CONNECTION, ...app, ...params }),
    sourceIp,
  });
}

export const claimsOf = (token: string) => decodeJwt(token) as Record<string, unknown>;
