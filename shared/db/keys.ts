import { createHash } from 'node:crypto';

/**
 * Every key shape in the table, in one place. Emails and usernames are normalised before they
 * become part of a key, so a lookup can never miss because of case.
 */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const normaliseUsername = (username: string) => username.trim().toLowerCase();

export interface Key {
  pk: string;
  sk: string;
}

export const userKey = (userId: string): Key => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
export const USER_PROFILE_SK = 'PROFILE';

/**
 * One claim per (email, connection): uniqueness within a connection, and all of an email's users
 * in one strongly consistent Query (users-by-email is immediately consistent on Auth0).
 */
export const emailClaimKey = (email: string, connection: string): Key => ({
  pk: emailPartition(email),
  sk: `CONN#${connection}`,
});
export const emailPartition = (email: string) => `EMAIL#${normaliseEmail(email)}`;

export const usernameClaimKey = (username: string, connection: string): Key => ({
  pk: `USERNAME#${normaliseUsername(username)}`,
  sk: `CONN#${connection}`,
});

export const connectionKey = (name: string): Key => ({ pk: `CONN#${name}`, sk: 'CONNECTION' });

/** A client and its grants share a partition, so the token endpoint reads them in one Query. */
export const clientPartition = (clientId: string) => `CLIENT#${clientId}`;
export const clientKey = (clientId: string): Key => ({ pk: clientPartition(clientId), sk: 'CLIENT' });
export const clientGrantKey = (clientId: string, audience: string): Key => ({
  pk: clientPartition(clientId),
  sk: `GRANT#${audience}`,
});
export const CLIENT_GRANT_SK_PREFIX = 'GRANT#';
export const CLIENT_SK = 'CLIENT';

/**
 * The tenant's configuration directories: one partition per resource type, listed with one Query
 * (a tenant holds hundreds of these, not millions). A hot-path copy (a client with its grants, a
 * connection by name) stays where the Authentication API reads it; every write of a resource
 * updates both in one transaction.
 */
export const CLIENTS_PK = 'CLIENTS';
export const clientDirectoryKey = (clientId: string): Key => ({ pk: CLIENTS_PK, sk: `CLIENT#${clientId}` });
export const CLIENT_GRANTS_PK = 'CLIENT_GRANTS';
export const clientGrantDirectoryKey = (grantId: string): Key => ({ pk: CLIENT_GRANTS_PK, sk: `GRANT#${grantId}` });
export const RESOURCE_SERVERS_PK = 'RESOURCE_SERVERS';
export const resourceServerKey = (id: string): Key => ({ pk: RESOURCE_SERVERS_PK, sk: `API#${id}` });
/** Claims an API's identifier (its audience): unique across the tenant, found by audience in one Get. */
export const resourceServerIdentifierKey = (identifier: string): Key => ({ pk: RESOURCE_SERVERS_PK, sk: `IDENTIFIER#${identifier}` });
export const CONNECTIONS_PK = 'CONNECTIONS';
export const connectionDirectoryKey = (connectionId: string): Key => ({ pk: CONNECTIONS_PK, sk: `CONN#${connectionId}` });

/** All signing keys sit in one partition: JWKS is one Query. */
export const SIGNING_KEYS_PK = 'SIGNING_KEYS';
export const signingKeyKey = (kid: string): Key => ({ pk: SIGNING_KEYS_PK, sk: `KID#${kid}` });

/** Login statistics and brute-force counters: a small item beside the profile (a login writes ~1 WCU). */
export const USER_STATS_SK = 'STATS';
export const userStatsKey = (userId: string): Key => ({ pk: `USER#${userId}`, sk: USER_STATS_SK });
export const userPartition = (userId: string) => `USER#${userId}`;

/**
 * Brute-force counters of one login identifier (a connection and the email or username as typed,
 * normalised), whether or not a user has it: an account-wide item and one item per IP. Hashed,
 * so any input (however long) makes a bounded key and no email sits in a key.
 */
export const loginCountersPartition = (connection: string, identifier: string) =>
  `LOGIN#${createHash('sha256').update(`${connection}\n${normaliseUsername(identifier)}`).digest('base64url')}`;
export const LOGIN_ACCOUNT_SK = 'ACCOUNT';
export const LOGIN_IP_SK_PREFIX = 'IP#';
export const loginAccountKey = (connection: string, identifier: string): Key => ({
  pk: loginCountersPartition(connection, identifier),
  sk: LOGIN_ACCOUNT_SK,
});
export const loginIpKey = (connection: string, identifier: string, ip: string): Key => ({
  pk: loginCountersPartition(connection, identifier),
  sk: `${LOGIN_IP_SK_PREFIX}${ip}`,
});

/**
 * Everything that runs at login (rules, rules-configs, actions, trigger bindings) shares one
 * partition, so a login loads it with one Query (cached per warm Lambda).
 */
export const EXTENSIONS_PK = 'EXTENSIONS';
export const ruleKey = (id: string): Key => ({ pk: EXTENSIONS_PK, sk: `RULE#${id}` });
export const ruleNameKey = (name: string): Key => ({ pk: EXTENSIONS_PK, sk: `RULE_NAME#${name}` });
export const rulesConfigKey = (key: string): Key => ({ pk: EXTENSIONS_PK, sk: `CONFIG#${key}` });
export const actionKey = (id: string): Key => ({ pk: EXTENSIONS_PK, sk: `ACTION#${id}` });
export const actionVersionKey = (id: string, version: string): Key => ({ pk: EXTENSIONS_PK, sk: `ACTION_VERSION#${id}#${version}` });
export const triggerBindingsKey = (trigger: string): Key => ({ pk: EXTENSIONS_PK, sk: `BINDINGS#${trigger}` });
/**
 * A counter bumped in the same transaction as every write a login can see: warm functions read
 * this one small item per login and reload the partition only when it moved.
 */
export const extensionsGenerationKey: Key = { pk: EXTENSIONS_PK, sk: 'GENERATION' };

/** A login session: its id is the tokens' `sid`; it holds refresh-token state and the ID token's custom claims. */
export const sessionKey = (sid: string): Key => ({ pk: `SESSION#${sid}`, sk: 'SESSION' });

/**
 * A browser's SSO session (cookie `auth0`), in its user's partition (so one Query reads the user,
 * the login statistics and the session), keyed by the SHA-256 of the cookie's secret.
 */
export const SSO_SESSION_SK_PREFIX = 'SSO#';
export const ssoSessionKey = (userId: string, secretHash: string): Key => ({ pk: `USER#${userId}`, sk: `${SSO_SESSION_SK_PREFIX}${secretHash}` });
/** A login transaction between /authorize and the hosted screens, keyed by the SHA-256 of its id. */
export const loginTransactionKey = (idHash: string): Key => ({ pk: `TX#${idHash}`, sk: 'TX' });

/** A cross-origin login ticket (POST /co/authenticate), keyed by its SHA-256: single use, redeemed by /authorize. */
export const coTicketKey = (ticketHash: string): Key => ({ pk: `COTICKET#${ticketHash}`, sk: 'COTICKET' });

/** An authorization code, keyed by its SHA-256 (base64url): the table never holds a usable code. */
export const authorizationCodeKey = (codeHash: string): Key => ({ pk: `CODE#${codeHash}`, sk: 'CODE' });

/**
 * Search indexes: their declarations share one partition (writers load them in one Query, cached
 * per warm Lambda); the built-in root-field index has one item there too.
 */
export const SEARCH_INDEXES_PK = 'SEARCH_INDEXES';
export const searchIndexKey = (path: string): Key => ({ pk: SEARCH_INDEXES_PK, sk: `PATH#${path}` });
export const SEARCH_INDEX_SK_PREFIX = 'PATH#';
/** The built-in root-field index's item: its status says whether users from before root indexing have entries yet. */
export const ROOT_INDEX_KEY: Key = { pk: SEARCH_INDEXES_PK, sk: 'ROOT' };

/**
 * Index entries: one item per (indexed path, value, user), in `shards` partitions per path and
 * generation (a user's shard comes from its id, so a value held by a million users is spread over
 * all of them). The sort key orders entries by typed value, then user id.
 */
export const indexEntryPartition = (path: string, generation: string, shard: number) => `IDX#${path}#${generation}#${shard}`;

/** Background jobs (index backfills and clean-ups): one item each, holding status and progress. */
export const jobKey = (id: string): Key => ({ pk: `JOB#${id}`, sk: 'JOB' });

/**
 * The tenant's own configuration (branding, tenant settings, each prompt's partials): one small
 * item each in the TENANT partition, read with one GetItem (cached by shared/tenant/).
 */
export const TENANT_PK = 'TENANT';
export const brandingKey: Key = { pk: TENANT_PK, sk: 'BRANDING' };
export const tenantSettingsKey: Key = { pk: TENANT_PK, sk: 'SETTINGS' };
export const promptPartialsKey = (prompt: string): Key => ({ pk: TENANT_PK, sk: `PROMPT#${prompt}` });
