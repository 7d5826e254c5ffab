import type { MetadataUpdate } from '#shared/management/metadata/merge';
import type { MetadataStore } from '#shared/management/metadata/rules';
import type { UserChanges } from '#shared/management/users/changes';

/**
 * Builds the single UpdateItem for a user change. Every name and value goes through a
 * placeholder (client-sent metadata keys never reach the expression text). Metadata is merged
 * key by key with SET/REMOVE on `store.key`, so concurrent updates of different keys both survive.
 *
 * The key-count limit needs no read: a change that sets n keys is accepted when the store holds
 * at most max - n keys, or when every key it sets exists already (so the count cannot grow).
 * That is conservative; the domain re-checks exactly after a read when it fails.
 */
export interface UpdateExpressionParts {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/** Collects clauses and placeholders; a name used twice gets one placeholder. */
class Expression {
  readonly names = new Map<string, string>();
  readonly values: Record<string, unknown> = {};
  readonly sets: string[] = [];
  readonly removes: string[] = [];
  readonly conditions: string[] = ['attribute_exists(pk)'];

  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (!placeholder) this.names.set(attribute, (placeholder = `#n${this.names.size}`));
    return placeholder;
  }

  value(v: unknown): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = v;
    return placeholder;
  }
}

export function buildUserUpdate(changes: UserChanges, now: string, maxKeys: number): UpdateExpressionParts {
  const x = new Expression();
  const version = x.name('version');
  x.sets.push(`${version} = ${version} + ${x.value(1)}`, `${x.name('updated_at')} = ${x.value(now)}`);
  for (const [field, v] of Object.entries(changes.set)) x.sets.push(`${x.name(field)} = ${x.value(v)}`);
  for (const field of changes.remove) x.removes.push(x.name(field));
  for (const [store, update] of Object.entries(changes.metadata) as [MetadataStore, MetadataUpdate][]) {
    addMetadata(x, store, update, changes, maxKeys);
  }
  if (changes.expectedConnection !== undefined) {
    x.conditions.push(`${x.name('connection')} = ${x.value(changes.expectedConnection)}`);
  }
  if (changes.expectedVersions && changes.expectedVersions.length > 0) {
    x.conditions.push(`${version} IN (${changes.expectedVersions.map((v) => x.value(v)).join(', ')})`);
  }
  return {
    UpdateExpression: `SET ${x.sets.join(', ')}${x.removes.length > 0 ? ` REMOVE ${x.removes.join(', ')}` : ''}`,
    ConditionExpression: x.conditions.join(' AND '),
    ExpressionAttributeNames: Object.fromEntries([...x.names].map(([attribute, placeholder]) => [placeholder, attribute])),
    ExpressionAttributeValues: x.values,
  };
}

function addMetadata(x: Expression, store: MetadataStore, update: MetadataUpdate, changes: UserChanges, maxKeys: number): void {
  const storeName = x.name(store);
  if (update.clear) {
    x.sets.push(`${storeName} = ${x.value({})}`);
    return;
  }
  const setPaths = update.set.map(([key, v]) => {
    const path = `${storeName}.${x.name(key)}`;
    x.sets.push(`${path} = ${x.value(v)}`);
    return path;
  });
  for (const key of update.remove) x.removes.push(`${storeName}.${x.name(key)}`);
  if (setPaths.length === 0 || changes.keyCountChecked) return;
  const existing = setPaths.map((p) => `attribute_exists(${p})`).join(' AND ');
  x.conditions.push(`(size(${storeName}) <= ${x.value(maxKeys - setPaths.length)} OR (${existing}))`);
  if (store === 'user_metadata' && changes.createOnlyUserMetadata) {
    x.conditions.push(...setPaths.map((p) => `attribute_not_exists(${p})`));
  }
}
