import { config } from '#shared/platform/config';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import { loadClient } from '#shared/tenant/clients';
import { connectionsEnabledFor, DATABASE_STRATEGY } from '#shared/tenant/connections';
import { PASSWORD_POLICY_LEVELS } from '#shared/tenant/passwords/policy';
import { usernameBounds } from '#shared/tenant/passwords/usernames';
import { ClientSettingsNotFoundError } from '#shared/authentication/errors';

/**
 * Lock's client settings script, `GET /client/<client_id>.js`: Lock inserts it as a `<script>`
 * and waits for `Auth0.setClient(settings)` with `settings.id === client_id` (auth0-lock
 * core/client/settings.js). Only what Lock reads (core/client/index.js formatClient) and nothing
 * private: no callbacks, secrets, scripts or connection configuration. docs/lock.md.
 */
export interface ClientSettings {
  id: string;
  /** Lock keeps it as `tenant.name` and shows it nowhere. */
  tenant: string;
  /** Lock shows its "Auth0" badge for `free` and `dev` only. */
  subscription: string;
  strategies: { name: string; connections: DatabaseConnectionSettings[] }[];
}

export interface DatabaseConnectionSettings {
  name: string;
  display_name?: string;
  /** One of auth0-password-policies' names (Lock looks the rules up by it). */
  passwordPolicy: string;
  password_complexity_options?: { min_length: number };
  showSignup: boolean;
  showForgot: boolean;
  requires_username: boolean;
  validation?: { username: { min: number; max: number } };
}

/** Lock's badge is for Auth0's free plans; ours is no plan of Auth0's. */
const SUBSCRIPTION = 'self_hosted';
/** Auth0's tenant name is its domain's first label (`<tenant>.auth0.com`); ours is the issuer host's. */
const TENANT_NAME = new URL(config.ISSUER).hostname.split('.')[0] ?? 'tenant';
/** Our client ids are 32 characters; a longer name is never looked up. */
const MAX_CLIENT_ID_LENGTH = 128;

/** The client id a file name `<client_id>.js` names, or undefined. */
export function clientIdOfFile(file: string): string | undefined {
  if (!file.endsWith('.js')) return undefined;
  const id = file.slice(0, -'.js'.length);
  return id.length > 0 && id.length <= MAX_CLIENT_ID_LENGTH && /^[\w.-]+$/.test(id) ? id : undefined;
}

/** The settings of the application `file` names; ClientSettingsNotFoundError for any other file. */
export async function clientSettings(file: string): Promise<ClientSettings> {
  const clientId = clientIdOfFile(file);
  const loaded = clientId === undefined ? undefined : await loadClient(clientId);
  if (clientId === undefined || !loaded) throw new ClientSettingsNotFoundError();
  const connections = await connectionsEnabledFor(clientId, DATABASE_STRATEGY);
  return {
    id: clientId,
    tenant: TENANT_NAME,
    subscription: SUBSCRIPTION,
    strategies: connections.length > 0 ? [{ name: DATABASE_STRATEGY, connections: connections.map(databaseConnectionSettings) }] : [],
  };
}

function databaseConnectionSettings(connection: ConnectionRecord): DatabaseConnectionSettings {
  const options = connection.options ?? {};
  const minLength = options.password_complexity_options?.min_length;
  const requiresUsername = options.requires_username === true;
  const policy = PASSWORD_POLICY_LEVELS.find((level) => level === options.passwordPolicy) ?? 'none';
  return {
    name: connection.name,
    ...(connection.display_name ? { display_name: connection.display_name } : {}),
    passwordPolicy: policy,
    ...(typeof minLength === 'number' ? { password_complexity_options: { min_length: minLength } } : {}),
    showSignup: options.disable_signup !== true,
    // No password reset yet (docs/lock.md): Lock hides its "Don't remember your password?" link.
    showForgot: false,
    requires_username: requiresUsername,
    ...(requiresUsername ? { validation: { username: usernameBounds(options) } } : {}),
  };
}

/**
 * The script: `Auth0.setClient({...});` with the JSON made safe inside any script context: `<`
 * (no `</script>` or `<!--`), `>`, `&` and U+2028/U+2029 (line terminators in older JavaScript)
 * as `\u` escapes, which JSON and JavaScript read back unchanged.
 */
export function clientSettingsScript(settings: ClientSettings): string {
  const json = JSON.stringify(settings).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `Auth0.setClient(${json});`;
}
