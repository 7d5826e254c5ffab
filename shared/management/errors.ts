import { InvalidQueryError, ManagementError } from '#shared/platform/errors';

/**
 * The Management API's catalogue: every error a management route answers with, beyond those any
 * route's adapter raises (shared/platform/errors.ts: invalid body, query or path, 401, 403
 * insufficient_scope, 404 route, 413, 429). One class per errorCode, status and situation,
 * grouped by area, so the answers an endpoint can give are read here. Repositories never throw
 * these: they throw storage errors (shared/db/errors.ts), which the areas map to these
 * (docs/architecture-errors.md). Connection errors are the tenant's (shared/tenant/errors.ts).
 */

// ---------------------------------------------------------------------------------------- users
export class UserNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_user', 'The user does not exist.');
  }
}

export class UserExistsError extends ManagementError {
  constructor() {
    super(409, 'auth0_idp_error', 'The user already exists.');
  }
}

export class VersionMismatchError extends ManagementError {
  constructor() {
    super(412, 'precondition_failed', 'The user has changed since the ETag given in If-Match.');
  }
}

/** Other writes kept changing the user while this one retried (no If-Match was given). */
export class ConcurrentUpdateError extends ManagementError {
  constructor() {
    super(409, 'concurrent_update', 'The user was changed by other requests while this one was applied; try again.');
  }
}

/** A username sent to a connection that does not use usernames (Auth0's words). */
export class UsernameNotAllowedError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', 'Cannot set username for connection without requires_username');
  }
}

/** A PATCH named a connection the user has no identity in. */
export class NoIdentityInConnectionError extends ManagementError {
  constructor(connection: string) {
    super(400, 'invalid_body', `The user has no identity in connection ${connection}`);
  }
}

/** An If-Match header that is not "*" or a list of entity tags, or lists too many. */
export class InvalidIfMatchError extends ManagementError {
  constructor(message: string) {
    super(400, 'invalid_header', message);
  }
}

/** A new password (create or PATCH) the connection's policy refuses; Auth0 gives no details here. */
export class PasswordTooWeakError extends ManagementError {
  constructor() {
    super(400, 'invalid_password', 'PasswordStrengthError: Password is too weak');
  }
}

/** A PATCH of fields the caller's scopes do not cover (403, Auth0's words). */
export class FieldsNotUpdatableError extends ManagementError {
  constructor(fields: readonly string[]) {
    super(403, 'insufficient_scope', `You cannot update the following fields: ${fields.join(', ')}`);
  }
}

/** create:current_user_metadata may add keys only: the key exists already. */
export class MetadataKeyExistsError extends ManagementError {
  constructor(key: string) {
    super(
      403,
      'insufficient_scope',
      `user_metadata.${key} exists; create:current_user_metadata may only add keys (replacing needs update:current_user_metadata)`,
    );
  }
}

// ------------------------------------------------------------------------------------- metadata
/** A metadata object broke a limit; the message names the key and the limit. */
export class MetadataLimitError extends ManagementError {
  constructor(message: string) {
    super(400, 'invalid_body', message);
  }
}

// ------------------------------------------------------------------------------- lists, search
export class InvalidPagingError extends ManagementError {
  constructor() {
    super(
      400,
      'invalid_paging',
      'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation',
    );
  }
}

/** A list would examine more items than LIST_SCAN_BUDGET allows. */
export class ListBudgetExceededError extends ManagementError {
  constructor(budget: number) {
    super(
      503,
      'list_budget_exceeded',
      `Listing users reads the whole table, and this one holds more than ${budget} items (LIST_SCAN_BUDGET). Filter by connection, look users up by id or email, or use a users export.`,
    );
  }
}

/**
 * A search no index narrows would examine more items than LIST_SCAN_BUDGET allows. `advice` says
 * what would let an index answer it (the metadata paths to declare, the root fields to combine).
 */
export class SearchBudgetExceededError extends ManagementError {
  constructor(budget: number, fields: readonly string[], advice: string) {
    super(
      400,
      'query_too_expensive',
      `Query validation error: 'Searching ${fields.join(', ')} without an index examines every user, and this tenant holds more than ${budget} items (LIST_SCAN_BUDGET). ${advice}' on property q.`,
    );
  }
}

/** A plain list (no q) that would read more than one request may: counting or sorting every user. */
export class ListTooLargeError extends ManagementError {
  constructor(message: string) {
    super(503, 'list_budget_exceeded', message);
  }
}

/** An indexed search that would read more index entries, or fetch more users, than one request may. */
export class SearchTooBroadError extends ManagementError {
  constructor(detail: string) {
    super(400, 'query_too_expensive', `Query validation error: '${detail}' on property q.`);
  }
}

/**
 * A query that cannot be parsed. Serialized like any InvalidQueryError (Auth0's 400
 * `invalid_query_string`); the message says where it broke, as a 1-based character position.
 */
export class QuerySyntaxError extends InvalidQueryError {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`'${reason} at position ${position}' on property q.`);
  }
}

/** A query that parses but asks for something search does not offer (an unknown field, a wildcard on metadata). */
export class UnsupportedQueryError extends InvalidQueryError {
  constructor(readonly reason: string) {
    super(`'${reason}' on property q.`);
  }
}

// -------------------------------------------------------------------------------- rules, configs
/** GET/PATCH of a missing rule (go-auth0 recording TestRuleManager_Delete, verbatim). */
export class RuleNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_rule', 'The rule does not exist');
  }
}

/**
 * A second rule with the same order or name. The order wording is Auth0's, seen in
 * auth0-deploy-extensions#19; the name wording follows it (no sighting of Auth0's own text).
 */
export class RuleConflictError extends ManagementError {
  constructor(what: 'order' | 'name') {
    super(409, 'rule_conflict', `A rule with the same ${what} already exists`);
  }
}

/**
 * Other writes kept changing the resource while this one retried: rules, rules-configs, actions,
 * client grants, APIs, connections.
 */
export class ResourceChangedError extends ManagementError {
  constructor() {
    super(409, 'concurrent_update', 'The resource was changed by other requests while this one was applied; try again.');
  }
}

// --------------------------------------------------------------------------------------- actions
/*
 * Messages are Auth0's where a real response was seen (sources beside each); Auth0 sends no
 * errorCode with some of them, ours always carries one because the serializer writes the field
 * for every management error.
 */
/** GET/PATCH/DELETE/deploy of a missing action: 404 "That action does not exist." (go-auth0 TestActionManager_Delete). */
export class ActionNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_action', 'That action does not exist.');
  }
}

/** DELETE of a bound action without force (terraform-provider-auth0#64, #1550: 409 with these words). */
export class ActionBoundError extends ManagementError {
  constructor() {
    super(409, 'conflict', 'Unable to delete an action bound to a trigger.');
  }
}

/** Binding an action that was never deployed (terraform-provider-auth0#1590 and an Auth0 reply quoted in a deploy script). */
export class ActionNotDeployedError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', 'Trying to create a binding for an action that has not been deployed yet');
  }
}

/** Binding an action to a trigger it does not support (terraform-provider-auth0#59). */
export class IncompatibleTriggerError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', 'Trying to create a binding between an incompatible action and trigger.');
  }
}

/** Moving a bound action to another trigger (auth0-cli#462). */
export class TriggerChangeError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', "can't upgrade to this trigger.");
  }
}

/** Ours: Auth0 runs every trigger; this service runs post-login and pre-user-registration only. */
export class TriggerNotSupportedError extends ManagementError {
  constructor(triggerId: string) {
    super(400, 'invalid_body', `Only post-login and pre-user-registration actions run on this service; actions cannot be bound to ${triggerId}.`);
  }
}

/** Action names identify actions in bindings (`action_name` refs), so two actions may not share one. */
export class ActionNameConflictError extends ManagementError {
  constructor(name: string) {
    super(409, 'conflict', `An action with the name "${name}" already exists.`);
  }
}

/** Auth0: "Each tenant may have a maximum of 100 Actions" (docs: customize/actions/limitations). */
export class ActionLimitError extends ManagementError {
  constructor(limit: number) {
    super(400, 'invalid_body', `A tenant may have at most ${limit} actions; delete one before creating another.`);
  }
}

/** A binding named (by id or action name) that the trigger does not hold. */
export class BindingNotFoundError extends ManagementError {
  constructor(value: string) {
    super(400, 'invalid_body', `The binding ${value} does not exist in this trigger.`);
  }
}

// -------------------------------------------------------------------------------- search indexes
/** Search index declarations: our extension of the Management API, in Auth0's error shape. */
export class SearchIndexExistsError extends ManagementError {
  constructor(path: string) {
    super(409, 'search_index_conflict', `A search index on ${path} already exists`);
  }
}

export class SearchIndexNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_search_index', 'The search index does not exist.');
  }
}

export class TooManySearchIndexesError extends ManagementError {
  constructor(max: number) {
    super(400, 'too_many_search_indexes', `At most ${max} search indexes can be declared; delete one first.`);
  }
}

export class BuiltinSearchIndexError extends ManagementError {
  constructor(path: string) {
    super(400, 'builtin_search_index', `${path} is a built-in search index and cannot be deleted.`);
  }
}

// ------------------------------------------------------------------------------------------ jobs
/** GET /api/v2/jobs/{id} of an unknown or expired job (Auth0's wording as third-party mocks record it; UNCONFIRMED). */
export class JobNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_job', 'The job does not exist.');
  }
}

// ------------------------------------------------------------------------ connections (issue 10)
/** Auth0's 404 for a connection id (shared/tenant/errors.ts has the Authentication API's 400). */
export class InexistentConnectionError extends ManagementError {
  constructor() {
    super(404, 'inexistent_connection', 'The connection does not exist');
  }
}

/** A name taken by another connection, or by one whose deletion has not finished. */
export class ConnectionConflictError extends ManagementError {
  constructor() {
    super(409, 'connection_conflict', 'A connection with the same name already exists');
  }
}

/** This service runs database connections only. */
export class UnsupportedStrategyError extends ManagementError {
  constructor(strategy: string) {
    super(400, 'invalid_body', `Payload validation error: 'Strategy ${JSON.stringify(strategy).slice(0, 80)} is not supported here; only "auth0" (database) connections are' on property strategy.`);
  }
}

/** A connection option Auth0 has that we store but cannot honour yet. */
export class UnsupportedConnectionOptionError extends ManagementError {
  constructor(message: string) {
    super(400, 'invalid_body', message);
  }
}

/** `enabled_clients` naming a client that does not exist. */
export class UnknownEnabledClientError extends ManagementError {
  constructor(clientId: string) {
    super(400, 'invalid_body', `Payload validation error: 'The client ${clientId} does not exist' on property enabled_clients.`);
  }
}

// ------------------------------------------------------ resource servers, client grants (issue 10)
/** GET/PATCH of an unknown API (errorCode seen in Auth0.NET's tests; the message as the SDK e2e test expects it, UNCONFIRMED). */
export class ResourceServerNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_resource_server', 'The resource server does not exist');
  }
}

/** An identifier taken by another API, the Management API's included (Auth0's words UNCONFIRMED). */
export class ResourceServerConflictError extends ManagementError {
  constructor() {
    super(409, 'conflict', 'A resource server with the same identifier already exists');
  }
}

/** The Management API is a system API: it is listed, never changed or deleted here. */
export class SystemResourceServerError extends ManagementError {
  constructor(action: 'changed' | 'deleted') {
    super(403, 'operation_not_allowed', `The Auth0 Management API is a system API and cannot be ${action}.`);
  }
}

/** A field of an API that fails a rule the schema alone cannot state (reserved identifier, lifetimes, size). */
export class ResourceServerInvalidError extends ManagementError {
  constructor(property: string, message: string) {
    super(400, 'invalid_body', `Payload validation error: '${message}' on property ${property}.`);
  }
}

/** GET/PATCH of an unknown client grant (go-auth0 TestClientGrantManager_Delete). */
export class ClientGrantNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_client_grant', 'The grant does not exist.');
  }
}

/** A second grant for one client and audience (terraform-provider-auth0#255). */
export class ClientGrantConflictError extends ManagementError {
  constructor(clientId: string, audience: string) {
    super(409, 'conflict', `A client grant already exists between ${clientId} and ${audience}`);
  }
}

/** A grant for a client that does not exist (auth0-deploy-cli#144). */
export class ClientGrantUnknownClientError extends ManagementError {
  constructor() {
    super(404, 'inexistent_client', 'Client not found');
  }
}

/** A grant for an audience no API has (auth0-deploy-cli#59). */
export class ClientGrantUnknownAudienceError extends ManagementError {
  constructor(audience: string) {
    super(404, 'inexistent_resource_server', `No resource with identifier ${audience}`);
  }
}

/** Scopes the grant's API does not define (Auth0's words UNCONFIRMED). */
export class ClientGrantUndefinedScopeError extends ManagementError {
  constructor(audience: string, scopes: readonly string[]) {
    super(400, 'invalid_body', `Payload validation error: 'The API ${audience} does not define the scopes: ${scopes.join(', ')}' on property scope.`);
  }
}

/** A new password (create or PATCH) on the connection's `password_dictionary`. */
export class PasswordTooCommonError extends ManagementError {
  constructor() {
    super(400, 'invalid_password', 'PasswordDictionaryError: Password is too common');
  }
}

/** A new password (create or PATCH) holding the user's own data, under `password_no_personal_info`. */
export class PasswordHasUserInfoError extends ManagementError {
  constructor() {
    super(400, 'invalid_password', 'PasswordNoUserInfoError: Password is based on user information');
  }
}

// ------------------------------------------------------- applications, enabled clients (issue 10)
/** GET/PATCH/rotate of an unknown client (Auth0's 404). */
export class ClientNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_client', 'The client does not exist');
  }
}

/** `client_id` in a create body: an id is Auth0's to give (auth0-deploy-cli#36; status and code UNCONFIRMED). */
export class ClientIdNotAllowedError extends ManagementError {
  constructor() {
    super(403, 'operation_not_supported', 'This operation must be authorized by Auth0');
  }
}

/** A client field that is well formed but refused as a whole (metadata count, refresh token lifetimes). */
export class InvalidClientFieldError extends ManagementError {
  constructor(property: string, detail: string) {
    super(400, 'invalid_body', `Payload validation error: '${detail}' on property ${property}.`);
  }
}

/** Other writers kept changing the client (or a connection's list) while this one retried. */
export class ClientChangedError extends ManagementError {
  constructor() {
    super(409, 'conflict', 'The client was changed by another request; try again');
  }
}

/** PATCH /connections/{id}/clients naming a client that does not exist. */
export class EnabledClientNotFoundError extends ManagementError {
  constructor(clientId: string) {
    super(404, 'inexistent_client', `The client does not exist: ${clientId.slice(0, 64)}`);
  }
}

// ------------------------------------------------------- custom databases: users (issue 13, C)
/**
 * A connection's script failed (threw, timed out, answered garbage, is not defined): 503, with the
 * reference under which the log holds the details (never the arguments or the configuration).
 * The message is the port's (shared/tenant/custom-db.ts CustomDbScriptFailedError).
 */
export class CustomDbUnavailableError extends ManagementError {
  constructor(message: string) {
    super(503, 'custom_db_error', message);
  }
}

/** A script called back with `ValidationError(code, message)`: its code and words, as Auth0 answers them. */
export class CustomDbValidationError extends ManagementError {
  constructor(code: string, message: string) {
    super(400, code || 'custom_db_error', message);
  }
}

/** change_email, change_password or verify answered `false`: the legacy store did not make the change, nor did we. */
export class CustomDbChangeRefusedError extends ManagementError {
  constructor(script: string) {
    super(400, 'operation_not_allowed', `The connection's ${script} script did not make the change; the user was not changed.`);
  }
}

/**
 * Two changes that each run a script, in one PATCH of a legacy-mode user (email and password,
 * password and email_verified): one could succeed in the legacy store and the other fail.
 * Auth0's words for email and password (UNCONFIRMED), extended to email_verified.
 */
export class SimultaneousScriptChangesError extends ManagementError {
  constructor(fields: readonly [string, string]) {
    super(400, 'operation_not_allowed', `Cannot update ${fields[0]} and ${fields[1]} simultaneously`);
  }
}

/** `user_id` in a create for a legacy-mode connection: the legacy store gives the id (its login script's profile). */
export class CustomDbUserIdError extends ManagementError {
  constructor() {
    super(400, 'invalid_body', "Payload validation error: 'user_id cannot be set on a custom database connection without import_mode: the legacy store gives the id' on property user_id.");
  }
}
