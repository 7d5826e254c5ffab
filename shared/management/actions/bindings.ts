import { randomUUID } from 'node:crypto';
import { extensionsChanged, supportsTrigger } from '#shared/management/actions/actions';
import { ActionNotDeployedError, ActionNotFoundError, IncompatibleTriggerError, TriggerNotSupportedError } from '#shared/management/errors';
import { toWireBinding, type ActionRecord, type BindingRecord, type TriggerBindingsRecord } from '#shared/management/actions/model';
import type { UpdateBindingsBody } from '#shared/management/actions/schemas';
import { isRunnableTrigger } from '#shared/management/actions/triggers';
import * as repo from '#shared/db/actions-repo';
import { retryStale } from '#shared/management/rules/retry-stale';
import { BindingNotFoundError } from '#shared/management/errors';

/**
 * /api/v2/actions/triggers/{triggerId}/bindings. Only post-login and pre-user-registration run
 * here: other triggers have no bindings (reading them answers an empty list, so tools that export
 * every trigger work) and cannot get any.
 */
type Wire = Record<string, unknown>;

/** The bindings in execution order, each with its action as Auth0 shows it. */
async function withActions(triggerId: string, bindings: readonly BindingRecord[]): Promise<Wire[]> {
  if (bindings.length === 0) return [];
  const actions = await repo.findActions(bindings.map((b) => b.action_id));
  const versions = await repo.findDeployedVersions(actions);
  return bindings.flatMap((binding) => {
    const action = actions.find((a) => a.id === binding.action_id);
    if (!action) return [];
    return [toWireBinding(triggerId, binding, action, versions.find((v) => v.id === action.deployed_version_id))];
  });
}

export async function getBindings(triggerId: string, page: number, perPage: number): Promise<{ bindings: Wire[]; total: number }> {
  if (!isRunnableTrigger(triggerId)) return { bindings: [], total: 0 };
  const all = (await repo.findBindings(triggerId))?.bindings ?? [];
  return { bindings: await withActions(triggerId, all.slice(page * perPage, (page + 1) * perPage)), total: all.length };
}

type Entry = UpdateBindingsBody['bindings'][number];

/** Finds the actions the entries name: by id in one batch read, by name with one Query of all actions. */
async function actionsFor(entries: readonly Entry[], current: readonly BindingRecord[]): Promise<ActionRecord[]> {
  if (entries.some((e) => e.ref.type === 'action_name')) return repo.listActions();
  const ids = entries.map((e) =>
    e.ref.type === 'binding_id' ? (current.find((b) => b.id === e.ref.value)?.action_id ?? '') : e.ref.value,
  );
  return repo.findActions(ids.filter(Boolean));
}

function resolve(entry: Entry, actions: readonly ActionRecord[], current: readonly BindingRecord[]): ActionRecord {
  const { type, value } = entry.ref;
  if (type === 'binding_id') {
    const binding = current.find((b) => b.id === value);
    if (!binding) throw new BindingNotFoundError(value);
    const action = actions.find((a) => a.id === binding.action_id);
    if (!action) throw new ActionNotFoundError();
    return action;
  }
  const action = actions.find((a) => (type === 'action_id' ? a.id === value : a.name === value));
  if (!action) throw new ActionNotFoundError();
  return action;
}

/**
 * Replaces the trigger's bindings with the list given, in its order. An action already bound
 * keeps its binding's id and creation time; each one must support the trigger and be deployed.
 */
export async function updateBindings(triggerId: string, body: UpdateBindingsBody): Promise<Wire[]> {
  if (!isRunnableTrigger(triggerId)) {
    if (body.bindings.length > 0) throw new TriggerNotSupportedError(triggerId);
    return [];
  }
  const saved = await retryStale(async () => {
    const before = await repo.findBindings(triggerId);
    const current = before?.bindings ?? [];
    const actions = await actionsFor(body.bindings, current);
    const now = new Date().toISOString();
    const unused = [...current];
    const bindings = body.bindings.map((entry): BindingRecord => {
      const action = resolve(entry, actions, current);
      if (!supportsTrigger(action, triggerId)) throw new IncompatibleTriggerError();
      if (!action.deployed_version_id) throw new ActionNotDeployedError();
      const reuse = unused.findIndex((b) => (entry.ref.type === 'binding_id' ? b.id === entry.ref.value : b.action_id === action.id));
      const previous = reuse >= 0 ? unused.splice(reuse, 1)[0] : undefined;
      const display_name = entry.display_name ?? previous?.display_name ?? action.name;
      if (!previous) return { id: randomUUID(), action_id: action.id, display_name, created_at: now, updated_at: now };
      return { ...previous, display_name, updated_at: display_name === previous.display_name ? previous.updated_at : now };
    });
    const record: TriggerBindingsRecord = { trigger_id: triggerId, bindings, updated_at: now, revision: (before?.revision ?? 0) + 1 };
    await repo.saveBindings(record, before?.revision, bindings.map((b) => b.action_id));
    extensionsChanged();
    return record;
  });
  return withActions(triggerId, saved.bindings);
}
