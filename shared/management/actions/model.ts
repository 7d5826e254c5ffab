/**
 * Actions as stored, and as Auth0 serves them. Secret values live only in the stored records:
 * every wire mapper below lists the fields it emits, so a value can never leak by spreading.
 */
export interface ActionTrigger {
  id: string;
  version: string;
}

export interface ActionDependency {
  name: string;
  version: string;
  registry_url?: string;
}

export interface StoredSecret {
  name: string;
  value: string;
  updated_at: string;
}

/** The action and its draft (what PATCH changes). */
export interface ActionRecord {
  id: string;
  name: string;
  supported_triggers: ActionTrigger[];
  code: string;
  dependencies: ActionDependency[];
  runtime: string;
  secrets: StoredSecret[];
  created_at: string;
  updated_at: string;
  /** False after any change to the draft, true after a deploy. */
  all_changes_deployed: boolean;
  /** The version that runs when the action is bound; absent until the first deploy. */
  deployed_version_id?: string;
  /** Deploys so far: the next version is number `versions_count + 1`. */
  versions_count: number;
  /** Incremented by every write; a write applies only at the revision it read. */
  revision: number;
}

/** An immutable snapshot of the draft, taken by a deploy: what logins run, secrets included. */
export interface ActionVersionRecord {
  id: string;
  action_id: string;
  /** The action's name when deployed (a rename reaches logins with the next deploy). */
  action_name: string;
  number: number;
  code: string;
  dependencies: ActionDependency[];
  runtime: string;
  supported_triggers: ActionTrigger[];
  secrets: StoredSecret[];
  created_at: string;
  built_at: string;
}

export interface BindingRecord {
  id: string;
  action_id: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

/** One item per trigger: its bindings in execution order. */
export interface TriggerBindingsRecord {
  trigger_id: string;
  bindings: BindingRecord[];
  updated_at: string;
  revision: number;
}

type Wire = Record<string, unknown>;

export const toWireSecrets = (secrets: readonly StoredSecret[]) => secrets.map((s) => ({ name: s.name, updated_at: s.updated_at }));

const triggers = (list: readonly ActionTrigger[]) => list.map((t) => ({ id: t.id, version: t.version }));

const dependencies = (list: readonly ActionDependency[]) =>
  list.map((d) => ({ name: d.name, version: d.version, ...(d.registry_url ? { registry_url: d.registry_url } : {}) }));

/** `current_version`, in the order Auth0 serves it (go-auth0 TestActionManager_CreateWithDeploy). */
function currentVersion(version: ActionVersionRecord): Wire {
  return {
    id: version.id,
    code: version.code,
    runtime: version.runtime,
    status: 'BUILT',
    number: version.number,
    build_time: version.built_at,
    created_at: version.created_at,
    updated_at: version.built_at,
  };
}

/** A version (deploy's answer and `deployed_version`), in the order Auth0 serves it. */
export function toWireVersion(version: ActionVersionRecord): Wire {
  return {
    code: version.code,
    dependencies: dependencies(version.dependencies),
    id: version.id,
    action_id: version.action_id,
    deployed: true,
    number: version.number,
    built_at: version.built_at,
    secrets: toWireSecrets(version.secrets),
    status: 'built',
    created_at: version.created_at,
    updated_at: version.built_at,
    runtime: version.runtime,
    supported_triggers: triggers(version.supported_triggers),
  };
}

/** What deploy answers: the new version with a summary of its action. */
export function toWireDeployedVersion(version: ActionVersionRecord, action: ActionRecord): Wire {
  return { ...toWireVersion(version), action: actionBase(action) };
}

function actionBase(action: ActionRecord): Wire {
  return {
    id: action.id,
    name: action.name,
    supported_triggers: triggers(action.supported_triggers),
    created_at: action.created_at,
    updated_at: action.updated_at,
    all_changes_deployed: action.all_changes_deployed,
  };
}

function versions(version: ActionVersionRecord | undefined): Wire {
  return version ? { current_version: currentVersion(version), deployed_version: toWireVersion(version) } : {};
}

/** GET/POST/PATCH answers and list entries (go-auth0 TestActionManager_* recordings). */
export function toWireAction(action: ActionRecord, deployed: ActionVersionRecord | undefined): Wire {
  return {
    id: action.id,
    name: action.name,
    supported_triggers: triggers(action.supported_triggers),
    created_at: action.created_at,
    updated_at: action.updated_at,
    code: action.code,
    dependencies: dependencies(action.dependencies),
    runtime: action.runtime,
    status: 'built',
    secrets: toWireSecrets(action.secrets),
    ...versions(deployed),
    all_changes_deployed: action.all_changes_deployed,
  };
}

/** A binding with the action it runs (go-auth0 TestActionManager_Bindings). */
export function toWireBinding(
  triggerId: string,
  binding: BindingRecord,
  action: ActionRecord,
  deployed: ActionVersionRecord | undefined,
): Wire {
  const { all_changes_deployed, ...base } = actionBase(action);
  return {
    id: binding.id,
    trigger_id: triggerId,
    action: { ...base, ...versions(deployed), all_changes_deployed },
    created_at: binding.created_at,
    updated_at: binding.updated_at,
    display_name: binding.display_name,
  };
}

/** Auth0's paged envelope for Actions lists; `page` is absent at 0, as in go-auth0's recordings. */
export function pageOf(name: 'actions' | 'bindings', items: unknown[], total: number, page: number, perPage: number): Wire {
  return { [name]: items, total, ...(page > 0 ? { page } : {}), per_page: perPage };
}
