/**
 * Auth0's trigger ids (node-auth0 7.1.0 ActionTriggerTypeEnum). Actions may name any of them, so
 * tools that sync a whole tenant keep working, but only post-login actions run here: binding an
 * action to another trigger is refused.
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

/** The trigger version a new action gets when it names none (post-login's current one is v3). */
export const defaultTriggerVersion = (id: string) => (id === POST_LOGIN ? 'v3' : 'v1');

/** Node runtimes Auth0 has offered for Actions; the sandbox runs every one the same way. */
export const RUNTIMES = ['node12', 'node16', 'node18', 'node18-actions', 'node22'] as const;
export const DEFAULT_RUNTIME = 'node22';
