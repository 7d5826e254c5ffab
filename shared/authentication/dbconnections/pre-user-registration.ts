import { config } from '#shared/platform/config';
import { log } from '#shared/platform/log';
import type { JsonObject, JsonValue } from '#shared/platform/json';
import type { ClientRecord } from '#shared/db/clients-repo';
import type { ConnectionRecord } from '#shared/db/connections-repo';
import type { MetadataPatch, RegistrationExtensionInput, RegistrationTransaction, RegistrationUser } from '#shared/sandbox/contract';
import type { RegistrationExtensions } from '#shared/sandbox/load';
import { extensionsRunner } from '#shared/sandbox/runner';
import { MetadataLimitError } from '#shared/management/errors';
import { metadataLimits } from '#shared/management/metadata/limits';
import { validateMetadata, type MetadataStore } from '#shared/management/metadata/rules';
import { ActionDeniedSignupError, ActionFailedSignupError, ActionValidationError } from '#shared/authentication/errors';

/**
 * The pre-user-registration trigger of a database signup: runs the bound actions (none bound: no
 * sandbox call and, with the set kept, no DynamoDB request) and answers the metadata the new user
 * is written with: the submitted user_metadata and an empty app_metadata with the actions' patches
 * merged in, checked against the Management API's metadata limits. A refusal or a failure throws
 * a SignupError; nothing has been written then.
 */
export interface RegistrationRequest {
  ip: string;
  userAgent?: string;
  language?: string;
  /**
   * Auth0's event.request.body: the posted form (hosted page: every field but password, state,
   * _csrf; /dbconnections/signup: its body without password). `ulp-*` fields arrive here.
   */
  body: Record<string, JsonValue>;
  /** Auth0's event.transaction, for a signup on the hosted page (absent for /dbconnections/signup). */
  transaction?: RegistrationTransaction;
}

export interface RegistrationFacts {
  client: ClientRecord;
  connection: ConnectionRecord;
  /** The user as the signup set it: email, username and profile fields, user_metadata as submitted. */
  user: { email: string; user_metadata: Record<string, JsonValue> } & Record<string, JsonValue | undefined>;
  request: RegistrationRequest;
}

export interface RegistrationMetadata {
  user_metadata: JsonObject;
  app_metadata: JsonObject;
}

const tenantHost = () => new URL(config.ISSUER).host;

export async function runPreUserRegistration(extensions: RegistrationExtensions, facts: RegistrationFacts): Promise<RegistrationMetadata> {
  const submitted: RegistrationMetadata = { user_metadata: facts.user.user_metadata as JsonObject, app_metadata: {} };
  const { actions } = extensions;
  if (actions.length === 0) return submitted;
  const output = await extensionsRunner().register(registrationInput(facts, actions));
  const where = { client_id: facts.client.client_id, connection: facts.connection.name };
  for (const line of output.logs) log.info('action output', { ...where, source: line.source, level: line.level, message: line.message });
  switch (output.outcome) {
    case 'error':
      log.warn('signup failed in a pre-user-registration action', { ...where, source: output.source, error: output.error });
      throw new ActionFailedSignupError();
    case 'invalid':
      log.info('signup refused by a pre-user-registration action (validation error)', { ...where, code: output.code });
      throw new ActionValidationError(output.code, output.message);
    case 'deny':
      log.info('signup denied by a pre-user-registration action', { ...where, reason: output.reason });
      throw new ActionDeniedSignupError(output.reason, output.userMessage);
    case 'allow':
      return {
        user_metadata: checked('user_metadata', merged(submitted.user_metadata, output.userMetadata), where),
        app_metadata: checked('app_metadata', merged(submitted.app_metadata, output.appMetadata), where),
      };
  }
}

function registrationInput(facts: RegistrationFacts, actions: RegistrationExtensionInput['actions']): RegistrationExtensionInput {
  const { client, connection, request } = facts;
  const user = Object.fromEntries(Object.entries(facts.user).filter(([, v]) => v !== undefined)) as RegistrationUser;
  return {
    trigger: 'pre-user-registration',
    actions: [...actions],
    user: { ...user, app_metadata: {} },
    client: { client_id: client.client_id, name: client.name, metadata: client.client_metadata ?? {} },
    connection: { id: connection.id, name: connection.name, strategy: connection.strategy, metadata: connection.metadata ?? {} },
    request: {
      ip: request.ip,
      hostname: tenantHost(),
      method: 'POST',
      ...(request.userAgent !== undefined ? { user_agent: request.userAgent } : {}),
      ...(request.language !== undefined ? { language: request.language } : {}),
      body: request.body as JsonObject,
    },
    ...(request.transaction ? { transaction: request.transaction } : {}),
    tenant: tenantHost().split('.')[0] ?? 'tenant',
    limits: { totalMs: config.EXTENSIONS_BUDGET_MS, memoryBytes: config.EXTENSIONS_MEMORY_MB * 1024 * 1024 },
  };
}

/** Auth0's merge patch: top-level keys set, `null` deletes. Own data properties only, `__proto__` included. */
function merged(base: JsonObject, patch: MetadataPatch | undefined): JsonObject {
  if (!patch) return base;
  const entries = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) entries.delete(key);
    else entries.set(key, value);
  }
  return Object.fromEntries(entries) as JsonObject;
}

/**
 * The merged metadata under the limits a PATCH of the user would meet (keys, value sizes, depth,
 * reserved names): the action is the tenant's code, so the signup's own limits for what anyone
 * may submit (10 string properties) do not apply to what it adds. A breach fails the signup.
 */
function checked(store: MetadataStore, metadata: JsonObject, where: Record<string, string>): JsonObject {
  try {
    validateMetadata(store, metadata, metadataLimits);
  } catch (error) {
    if (!(error instanceof MetadataLimitError)) throw error;
    log.warn('metadata from a pre-user-registration action refused', { ...where, error: error.message });
    throw new ActionFailedSignupError(`A pre-user-registration action set metadata that cannot be stored: ${error.message}`);
  }
  return metadata;
}
