import { POST_LOGIN, PRE_USER_REGISTRATION } from '#shared/management/actions/triggers';
import { config } from '#shared/platform/config';
import { queryLoginItems, readExtensionsGeneration, type LoginItems } from '#shared/db/extensions-repo';
import type { ActionScript, RuleScript } from '#shared/sandbox/contract';
import { generationCache } from '#shared/sandbox/generation-cache';
import { log } from '#shared/platform/log';
import { tenantCache, tenantChanged } from '#shared/platform/cache';
import { byOrder } from '#shared/management/rules/model';

/** What runs at login: enabled rules in order, deployed post-login actions in binding order, rules-configs. */
export interface LoginExtensions {
  rules: RuleScript[];
  actions: ActionScript[];
  configuration: Record<string, string>;
}

/**
 * Builds what a login runs from the EXTENSIONS partition's items. Actions run the version that
 * was deployed (its code and secrets as of that deploy), not their current draft.
 */
export function buildLoginExtensions(items: LoginItems): LoginExtensions {
  const rules = items.rules
    .filter((r) => r.enabled)
    .sort(byOrder)
    .map((r): RuleScript => ({ id: r.id, name: r.name, script: r.script }));
  const actions = boundActions(items, POST_LOGIN);
  const configuration = Object.fromEntries(items.configs.map((c) => [c.key, c.value]));
  return deepFreeze({ rules, actions, configuration });
}

/** What a database signup runs before the user is written: the deployed pre-user-registration actions in binding order. */
export interface RegistrationExtensions {
  actions: ActionScript[];
}

export function buildRegistrationExtensions(items: LoginItems): RegistrationExtensions {
  return deepFreeze({ actions: boundActions(items, PRE_USER_REGISTRATION) });
}

/** The deployed version of each action bound to the trigger, in binding order. */
function boundActions(items: LoginItems, triggerId: string): ActionScript[] {
  const bindings = items.bindings.find((b) => b.trigger_id === triggerId)?.bindings ?? [];
  return bindings.flatMap((binding): ActionScript[] => {
    const version = items.versions
      .filter((v) => v.action_id === binding.action_id)
      .reduce<(typeof items.versions)[number] | undefined>((latest, v) => (!latest || v.number > latest.number ? v : latest), undefined);
    if (!version) {
      // Bindings and deletes are written in one transaction with checks, so this means a bug, not a race.
      log.warn('bound action has no deployed version; skipped', { actionId: binding.action_id, bindingId: binding.id });
      return [];
    }
    const secrets = Object.fromEntries(version.secrets.map((s) => [s.name, s.value]));
    return [{ id: version.action_id, name: version.action_name, code: version.code, secrets }];
  });
}

/** One cached value is shared by concurrent logins: frozen, so no caller can change what the next one sees. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The highest extensions generation this process has read; undefined until its first login. */
let seenGeneration: number | undefined;

/**
 * Every login reads the generation (the small item, or with the partition when the cache is off),
 * and a connection's deletion bumps it too: a generation above the last one seen here means another
 * function may have changed the tenant, so this process drops its tenant caches and the login
 * re-reads its connection (complete-login.ts). The first read also counts (the caches may predate
 * it); a lower one is a lagging replica, not a change.
 */
function noteGeneration(generation: number): number {
  if (seenGeneration === undefined || generation > seenGeneration) {
    seenGeneration = generation;
    tenantChanged();
  }
  return generation;
}

const loadFresh = async () => {
  const items = await queryLoginItems();
  noteGeneration(items.generation);
  return buildLoginExtensions(items);
};

/**
 * A warm function keeps the set and, at every login, reads the extensions generation (one small
 * item; every change bumps it in its own transaction) to reload the set only when it moved, so a
 * change reaches the next login (docs/extensions-freshness.md). EXTENSIONS_CACHE_MS caps how old
 * a kept set may be whatever the generation says; 0 turns the cache off entirely, so every login
 * reads the partition (the integration tests run so).
 */
const cached =
  config.EXTENSIONS_CACHE_MS > 0
    ? generationCache({
        ceilingMs: config.EXTENSIONS_CACHE_MS,
        generation: async () => noteGeneration(await readExtensionsGeneration(config.EXTENSIONS_CHECK_READ === 'consistent')),
        load: loadFresh,
      })
    : loadFresh;

/**
 * Everything a login runs: one generation read, plus one Query of the EXTENSIONS partition after a
 * change. A moved generation has cleared this process's tenant caches by the time this resolves.
 */
export const loadLoginExtensions = (): Promise<LoginExtensions> => cached();

// ---- pre-user-registration (issue 11) ------------------------------------------------------------

/**
 * What a signup runs, kept by a warm function for at most EXTENSIONS_CACHE_MS (0: not kept; every
 * signup reads the partition) and dropped whenever this process learns the tenant changed
 * (tenantChanged(): a Management API write in this process, or a login here that read a higher
 * extensions generation). Unlike a login, a signup does not read the generation: with nothing
 * bound it must cost no DynamoDB request beyond the user's own write (docs/actions-pre-user-registration.md),
 * so in AWS a binding reaches another function's signups within EXTENSIONS_CACHE_MS (10 s), not at once.
 */
let registration: { value: RegistrationExtensions; at: number } | undefined;
let registrationLoad: Promise<RegistrationExtensions> | undefined;
let registrationEpoch = 0;

tenantCache({
  clear() {
    registration = undefined;
    registrationLoad = undefined;
    registrationEpoch += 1;
  },
});

async function loadRegistrationFresh(): Promise<RegistrationExtensions> {
  const epoch = registrationEpoch;
  const items = await queryLoginItems();
  const value = buildRegistrationExtensions(items);
  // A change this process made while the Query ran may be missing from it: answer it, keep it not.
  const keep = epoch === registrationEpoch && config.EXTENSIONS_CACHE_MS > 0;
  // A higher generation than this process saw clears its tenant caches, this one included; what
  // was just read is as new as that generation, so it is kept after the clear.
  noteGeneration(items.generation);
  if (keep) registration = { value, at: Date.now() };
  return value;
}

/** The pre-user-registration actions a signup runs: no DynamoDB request while a kept set is fresh. */
export function loadRegistrationExtensions(): Promise<RegistrationExtensions> {
  const held = registration;
  if (held && Date.now() - held.at < config.EXTENSIONS_CACHE_MS) return Promise.resolve(held.value);
  if (config.EXTENSIONS_CACHE_MS === 0) return loadRegistrationFresh();
  registrationLoad ??= loadRegistrationFresh().finally(() => {
    registrationLoad = undefined;
  });
  return registrationLoad;
}
