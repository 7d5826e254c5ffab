import type { LoginExtensionOutput } from '#shared/sandbox/contract';
import { loadLoginExtensions } from '#shared/sandbox/load';
import { extensionsRunner } from '#shared/sandbox/runner';
import { HiddenServerError } from '#shared/platform/errors';
import { LoginDeniedError, UnknownConnectionError } from '#shared/authentication/errors';
import { connectionByName } from '#shared/tenant/connections';
import { ConnectionNotFoundError } from '#shared/tenant/errors';
import { log } from '#shared/platform/log';
import { extensionInput, type LoginFacts } from '#shared/authentication/login/extension-input';
import { persistMetadata } from '#shared/authentication/login/persist-metadata';
import type { JsonValue } from '#shared/platform/json';
import { filterCustomClaims } from '#shared/authentication/tokens/custom-claims';
import type { UserRecord } from '#shared/management/users/model';

/**
 * The part of every user login after authentication: run the tenant's rules, then its actions,
 * in the sandbox; persist the metadata they changed (one conditional write); keep the custom
 * claims Auth0 would keep. A denial fails the login with access_denied (metadata changes made
 * before it still apply, as on Auth0); a failing rule fails it and writes nothing.
 */
export interface LoginResult {
  user: UserRecord;
  idTokenClaims: Record<string, JsonValue>;
  accessTokenClaims: Record<string, JsonValue>;
}

const NOTHING_TO_RUN: LoginExtensionOutput = { outcome: 'allow', idTokenClaims: {}, accessTokenClaims: {}, logs: [] };

export async function completeLogin(facts: LoginFacts): Promise<LoginResult> {
  const extensions = await loadLoginExtensions();
  await confirmConnection(facts.connection.name);
  const output =
    extensions.rules.length + extensions.actions.length === 0
      ? NOTHING_TO_RUN
      : await extensionsRunner().run(extensionInput(facts, extensions));
  for (const line of output.logs) log.info('rule output', { user_id: facts.user.user_id, source: line.source, level: line.level, message: line.message });

  if (output.outcome === 'error') {
    log.warn('login failed in a rule or action', { user_id: facts.user.user_id, client_id: facts.client.client_id, source: output.source, error: output.error });
    throw new HiddenServerError('A rule or action failed during this login; the tenant log has the details.');
  }
  const updated = await persistMetadata(facts.user.user_id, output.userMetadata, output.appMetadata);
  if (output.outcome === 'deny') throw new LoginDeniedError(output.reason);

  const id = filterCustomClaims(output.idTokenClaims, 'id_token');
  const access = filterCustomClaims(output.accessTokenClaims, 'auth0_api_access_token');
  const dropped = [...id.dropped, ...access.dropped];
  if (dropped.length > 0) log.info('custom claims dropped', { user_id: facts.user.user_id, claims: dropped });
  return { user: updated ?? facts.user, idTokenClaims: id.claims, accessTokenClaims: access.claims };
}

/**
 * The extensions load read the generation, which a connection's deletion bumps in its first
 * write; a moved generation has cleared the tenant caches, so this re-read reaches the table only
 * then (one GetItem) and is a cache hit otherwise. A connection deleted meanwhile, even by another
 * function, refuses the login as authentication does, before any token or success is written.
 */
async function confirmConnection(name: string): Promise<void> {
  await connectionByName(name).catch((error: unknown) => {
    throw error instanceof ConnectionNotFoundError ? new UnknownConnectionError(name) : error;
  });
}
