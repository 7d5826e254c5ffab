import type { MetadataStore } from '#shared/metadata/rules';
import type { UserChanges } from '#shared/users/changes';

/**
 * Builds the single UpdateItem for a user change. Every name and value goes through a
 * placeholder (client-sent metadata keys never reach the expression text). Metadata is merged
 * key by key with SET/REMOVE on `store.key`, so concurrent updates of different keys both survive.
 *
 * The key-count limit needs no read: a change that sets n keys is accepted when the store holds
 * at most max - n keys, or when every key it sets exists already (so the count cannot grow).
 */
export interface UpdateExpressionParts {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

export function buildUserUpdate(changes: UserChanges, now: string, maxKeys: number): UpdateExpressionParts {
  const names = new Map<string, string>();
  const values: Record<string, unknown> = {};
  const name = (attribute: string) => {
    let placeholder = names.get(attribute);
    if (!placeholder) names.set(attribute, (placeholder = `#n${names.size}`));
    return placeholder;
  };
  const value = (v: unknown) => {
    const placeholder = `:v${Object.keys(values).length}`;
    values[placeholder] = v;
    return placeholder;
  };

  const version = name('version');
  const sets = [`${version} = ${version} + ${value(1)}`, `${name('updated_at')} = ${value(now)}`];
  const removes: string[] = [];
  const conditions = ['attribute_exists(pk)'];

  for (const [field, v] of Object.entries(changes.set)) sets.push(`${name(field)} = ${value(v)}`);
  for (const field of changes.remove) removes.push(name(field));

  for (const [store, update] of Object.entries(changes.metadata) as [MetadataStore, NonNullable<UserChanges['metadata'][MetadataStore]>][]) {
    const storeName = name(store);
    if (update.clear) {
      sets.push(`${storeName} = ${value({})}`);
      continue;
    }
    const setPaths = update.set.map(([key, v]) => {
      const path = `${storeName}.${name(key)}`;
      sets.push(`${path} = ${value(v)}`);
      return path;
    });
    for (const key of update.remove) removes.push(`${storeName}.${name(key)}`);
    if (setPaths.length > 0 && !changes.keyCountChecked) {
      const existing = setPaths.map((p) => `attribute_exists(${p})`).join(' AND ');
      conditions.push(`(size(${storeName}) <= ${value(maxKeys - setPaths.length)} OR (${existing}))`);
      if (store === 'user_metadata' && changes.createOnlyUserMetadata) {
        conditions.push(...setPaths.map((p) => `attribute_not_exists(${p})`));
      }
    }
  }

  if (changes.expectedConnection !== undefined) {
    conditions.push(`${name('connection')} = ${value(changes.expectedConnection)}`);
  }
  if (changes.expectedVersions && changes.expectedVersions.length > 0) {
    conditions.push(`${version} IN (${changes.expectedVersions.map(value).join(', ')})`);
  }

  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: Object.fromEntries([...names].map(([attribute, placeholder]) => [placeholder, attribute])),
    ExpressionAttributeValues: values,
  };
}
