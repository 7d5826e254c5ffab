import { config } from '#shared/platform/config';
import type { ClientRecord } from '#shared/db/clients-repo';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import type { LoginStats } from '#shared/db/logins-repo';
import type { ExtensionUser, LoginExtensionInput } from '#shared/sandbox/contract';
import type { LoginExtensions } from '#shared/sandbox/load';
import { toWireUser, type UserRecord } from '#shared/management/users/model';

/** The runner's input for one login: Auth0's rule `user` and `context`, the scripts and the limits. */
export interface LoginFacts {
  user: UserRecord;
  stats: LoginStats;
  client: ClientRecord;
  connection: ConnectionRecord;
  protocol: string;
  sid: string;
  scopes: string[];
  audience: string | undefined;
  request: { ip: string; userAgent?: string; body: Record<string, string> };
}

const tenantHost = () => new URL(config.ISSUER).host;

export function extensionInput(facts: LoginFacts, extensions: LoginExtensions): LoginExtensionInput {
  const { user, stats, client, connection, request } = facts;
  // Rules see the profile with metadata always present (Auth0 leaves app_metadata undefined when
  // empty, but rules written for it test `user.app_metadata || {}` either way).
  const profile = {
    ...toWireUser(user),
    logins_count: stats.logins_count + 1,
    ...(stats.last_login ? { last_login: stats.last_login } : {}),
    user_metadata: user.user_metadata,
    app_metadata: user.app_metadata,
  } as unknown as ExtensionUser;
  return {
    rules: extensions.rules,
    actions: extensions.actions,
    configuration: extensions.configuration,
    user: profile,
    context: {
      tenant: tenantHost().split('.')[0] ?? 'tenant',
      clientID: client.client_id,
      clientName: client.name,
      clientMetadata: {},
      connection: connection.name,
      connectionID: connection.id,
      connectionStrategy: connection.strategy,
      protocol: facts.protocol,
      request: { ip: request.ip, userAgent: request.userAgent, hostname: tenantHost(), query: {}, body: withoutSecrets(request.body) },
      stats: { loginsCount: stats.logins_count + 1 },
      sessionID: facts.sid,
      authentication: { methods: [{ name: 'pwd', timestamp: Date.now() }] },
      audience: facts.audience,
      scope: facts.scopes,
    },
    domain: tenantHost(),
    limits: { totalMs: config.EXTENSIONS_BUDGET_MS, memoryBytes: config.EXTENSIONS_MEMORY_MB * 1024 * 1024 },
  };
}

/** Rules see only these request parameters: never a password, secret or token. */
const VISIBLE_PARAMETERS = ['grant_type', 'client_id', 'username', 'scope', 'audience', 'realm'];

function withoutSecrets(body: Record<string, string>): Record<string, string> {
  return Object.fromEntries(VISIBLE_PARAMETERS.filter((name) => body[name] !== undefined).map((name) => [name, body[name]!]));
}

