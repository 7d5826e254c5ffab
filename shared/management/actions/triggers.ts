/**
 * Auth0's trigger ids (node-auth0 7.1.0 ActionTriggerTypeEnum). Actions may name any of them, so
 * tools that sync a whole tenant keep working, but only post-login and pre-user-registration
 * actions run here: binding an action to another trigger is refused.
 */
export const TRIGGER_IDS = [
  'post-login',
  'credentials-exchange',
  'pre-user-registration',
  'post-user-registration',
  'post-change-password',
  'send-phone-message',
  'custom-phone-provider',
  'custom-email-provider',
  'password-reset-post-challenge',
  'custom-token-exchange',
  'event-stream',
  'password-hash-migration',
  'login-post-identifier',
  'signup-post-identifier',
  'post-credential-validation',
] as const;
export type TriggerId = (typeof TRIGGER_IDS)[number];

/** The trigger logins run. */
export const POST_LOGIN = 'post-login';
/** The trigger database signups run, before the user is written (issue 11). */
export const PRE_USER_REGISTRATION = 'pre-user-registration';

/** The triggers that run here, so the only ones that take bindings. */
export const RUNNABLE_TRIGGERS: readonly string[] = [POST_LOGIN, PRE_USER_REGISTRATION];
export const isRunnableTrigger = (id: string) => RUNNABLE_TRIGGERS.includes(id);

/**
 * The trigger version a new action gets when it names none: the current one (go-auth0
 * TestActionManager_Triggers: post-login v3, pre-user-registration v2).
 */
const CURRENT_VERSIONS: Readonly<Record<string, string>> = { [POST_LOGIN]: 'v3', [PRE_USER_REGISTRATION]: 'v2' };
export const defaultTriggerVersion = (id: string) => CURRENT_VERSIONS[id] ?? 'v1';

/** Node runtimes Auth0 has offered for Actions; the sandbox runs every one the same way. */
export const RUNTIMES = ['node12', 'node16', 'node18', 'node18-actions', 'node22'] as const;
export const DEFAULT_RUNTIME = 'node22';
