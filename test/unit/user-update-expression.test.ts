import { MAX_TAGS } from '#shared/management/users/if-match';
import { describe, expect, it } from 'vitest';
import { readConfig } from '#shared/platform/config';
import { buildUserUpdate } from '#shared/db/user-update-expression';
import { metadataUpdate } from '#shared/management/metadata/merge';
import type { UserChanges } from '#shared/management/users/changes';

const NOW = '2024-05-01T10:00:00.000Z';

/** DynamoDB refuses an UpdateExpression or ConditionExpression longer than 4 KB. */
const MAX_EXPRESSION_LENGTH = 4096;

const manyKeys = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));

/** The largest METADATA_MAX_KEYS that readConfig accepts (with the smallest value size). */
function largestConfiguredMaxKeys(): number {
  for (let keys = 1000; keys > 0; keys--) {
    try {
      readConfig({ TABLE_NAME: 'identity', ISSUER: 'https://id.example.com/', METADATA_MAX_KEYS: String(keys), METADATA_MAX_VALUE_BYTES: '16' });
      return keys;
    } catch {
      // too many for this configuration; try one fewer
    }
  }
  throw new Error('no METADATA_MAX_KEYS accepted');
}

const changes = (partial: Partial<UserChanges>): UserChanges => ({ set: {}, remove: [], metadata: {}, ...partial });

describe('buildUserUpdate', () => {
  it('always increments the version and sets updated_at, on an existing user', () => {
    expect(buildUserUpdate(changes({}), NOW, 50)).toEqual({
      UpdateExpression: 'SET #n0 = #n0 + :v0, #n1 = :v1',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#n0': 'version', '#n1': 'updated_at' },
      ExpressionAttributeValues: { ':v0': 1, ':v1': NOW },
    });
  });

  it('sets and removes root fields and merges metadata key by key', () => {
    const parts = buildUserUpdate(
      changes({
        set: { name: 'Jane', blocked: true },
        remove: ['nickname'],
        metadata: { user_metadata: metadataUpdate({ hobby: 'surfing', lang: null }) },
      }),
      NOW,
      50,
    );
    expect(parts).toEqual({
      UpdateExpression: 'SET #n0 = #n0 + :v0, #n1 = :v1, #n2 = :v2, #n3 = :v3, #n5.#n6 = :v4 REMOVE #n4, #n5.#n7',
      ConditionExpression: 'attribute_exists(pk) AND (size(#n5) <= :v5 OR (attribute_exists(#n5.#n6)))',
      ExpressionAttributeNames: {
        '#n0': 'version',
        '#n1': 'updated_at',
        '#n2': 'name',
        '#n3': 'blocked',
        '#n4': 'nickname',
        '#n5': 'user_metadata',
        '#n6': 'hobby',
        '#n7': 'lang',
      },
      ExpressionAttributeValues: { ':v0': 1, ':v1': NOW, ':v2': 'Jane', ':v3': true, ':v4': 'surfing', ':v5': 49 },
    });
  });

  it('allows max - n keys before a change setting n keys, unless every key set exists already', () => {
    const parts = buildUserUpdate(
      changes({ metadata: { app_metadata: metadataUpdate({ plan: 'pro', roles: ['admin'], seats: 3 }) } }),
      NOW,
      10,
    );
    expect(parts.UpdateExpression).toBe('SET #n0 = #n0 + :v0, #n1 = :v1, #n2.#n3 = :v2, #n2.#n4 = :v3, #n2.#n5 = :v4');
    expect(parts.ConditionExpression).toBe(
      'attribute_exists(pk) AND (size(#n2) <= :v5 OR (attribute_exists(#n2.#n3) AND attribute_exists(#n2.#n4) AND attribute_exists(#n2.#n5)))',
    );
    expect(parts.ExpressionAttributeNames).toEqual({
      '#n0': 'version', '#n1': 'updated_at', '#n2': 'app_metadata', '#n3': 'plan', '#n4': 'roles', '#n5': 'seats',
    });
    expect(parts.ExpressionAttributeValues).toEqual({ ':v0': 1, ':v1': NOW, ':v2': 'pro', ':v3': ['admin'], ':v4': 3, ':v5': 7 });
  });

  it('adds no key-count condition when a change only removes keys', () => {
    const parts = buildUserUpdate(changes({ metadata: { user_metadata: metadataUpdate({ a: null, b: null }) } }), NOW, 50);
    expect(parts).toEqual({
      UpdateExpression: 'SET #n0 = #n0 + :v0, #n1 = :v1 REMOVE #n2.#n3, #n2.#n4',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#n0': 'version', '#n1': 'updated_at', '#n2': 'user_metadata', '#n3': 'a', '#n4': 'b' },
      ExpressionAttributeValues: { ':v0': 1, ':v1': NOW },
    });
  });

  it('clears a store with SET store = {} and no condition on its size', () => {
    expect(buildUserUpdate(changes({ metadata: { user_metadata: metadataUpdate({}) } }), NOW, 50)).toEqual({
      UpdateExpression: 'SET #n0 = #n0 + :v0, #n1 = :v1, #n2 = :v2',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#n0': 'version', '#n1': 'updated_at', '#n2': 'user_metadata' },
      ExpressionAttributeValues: { ':v0': 1, ':v1': NOW, ':v2': {} },
    });
  });

  it('updates both stores in one expression, each with its own key-count condition', () => {
    const parts = buildUserUpdate(
      changes({
        metadata: {
          user_metadata: metadataUpdate({ theme: 'dark' }),
          app_metadata: metadataUpdate({ plan: 'pro' }),
        },
      }),
      NOW,
      50,
    );
    expect(parts.UpdateExpression).toBe('SET #n0 = #n0 + :v0, #n1 = :v1, #n2.#n3 = :v2, #n4.#n5 = :v4');
    expect(parts.ConditionExpression).toBe(
      'attribute_exists(pk) AND (size(#n2) <= :v3 OR (attribute_exists(#n2.#n3))) AND (size(#n4) <= :v5 OR (attribute_exists(#n4.#n5)))',
    );
    expect(parts.ExpressionAttributeNames).toEqual({
      '#n0': 'version', '#n1': 'updated_at', '#n2': 'user_metadata', '#n3': 'theme', '#n4': 'app_metadata', '#n5': 'plan',
    });
    expect(parts.ExpressionAttributeValues).toEqual({ ':v0': 1, ':v1': NOW, ':v2': 'dark', ':v3': 49, ':v4': 'pro', ':v5': 49 });
  });

  it('adds attribute_not_exists for each user_metadata key set when createOnlyUserMetadata', () => {
    const parts = buildUserUpdate(
      changes({ metadata: { user_metadata: metadataUpdate({ a: 1, b: 2, c: null }) }, createOnlyUserMetadata: true }),
      NOW,
      50,
    );
    expect(parts.UpdateExpression).toBe('SET #n0 = #n0 + :v0, #n1 = :v1, #n2.#n3 = :v2, #n2.#n4 = :v3 REMOVE #n2.#n5');
    expect(parts.ConditionExpression).toBe(
      'attribute_exists(pk) AND (size(#n2) <= :v4 OR (attribute_exists(#n2.#n3) AND attribute_exists(#n2.#n4)))' +
        ' AND attribute_not_exists(#n2.#n3) AND attribute_not_exists(#n2.#n4)',
    );
    expect(parts.ExpressionAttributeValues[':v4']).toBe(48);
  });

  it('does not make app_metadata create-only', () => {
    const parts = buildUserUpdate(
      changes({ metadata: { app_metadata: metadataUpdate({ a: 1 }) }, createOnlyUserMetadata: true }),
      NOW,
      50,
    );
    expect(parts.ConditionExpression).toBe('attribute_exists(pk) AND (size(#n2) <= :v3 OR (attribute_exists(#n2.#n3)))');
  });

  it('turns expected versions into a version IN (...) condition', () => {
    const parts = buildUserUpdate(changes({ set: { name: 'x' }, expectedVersions: [3, 4] }), NOW, 50);
    expect(parts).toEqual({
      UpdateExpression: 'SET #n0 = #n0 + :v0, #n1 = :v1, #n2 = :v2',
      ConditionExpression: 'attribute_exists(pk) AND #n0 IN (:v3, :v4)',
      ExpressionAttributeNames: { '#n0': 'version', '#n1': 'updated_at', '#n2': 'name' },
      ExpressionAttributeValues: { ':v0': 1, ':v1': NOW, ':v2': 'x', ':v3': 3, ':v4': 4 },
    });
  });

  it('writes the never-matching version -1 from a weak If-Match as a condition', () => {
    expect(buildUserUpdate(changes({ expectedVersions: [-1] }), NOW, 50).ConditionExpression).toBe(
      'attribute_exists(pk) AND #n0 IN (:v2)',
    );
  });

  it('adds no version condition for an empty list', () => {
    expect(buildUserUpdate(changes({ expectedVersions: [] }), NOW, 50).ConditionExpression).toBe('attribute_exists(pk)');
  });

  it('reuses one placeholder for a name used twice, without touching the root attribute of that name', () => {
    const parts = buildUserUpdate(
      changes({ metadata: { user_metadata: metadataUpdate({ version: 'v2', updated_at: 'yesterday' }) } }),
      NOW,
      50,
    );
    expect(parts.UpdateExpression).toBe('SET #n0 = #n0 + :v0, #n1 = :v1, #n2.#n0 = :v2, #n2.#n1 = :v3');
    expect(parts.ExpressionAttributeNames).toEqual({ '#n0': 'version', '#n1': 'updated_at', '#n2': 'user_metadata' });
  });

  it('keeps hostile key names out of the expression text', () => {
    const hostile = ['a = :x, #y', ') OR attribute_exists(pk', 'x) OR (#n0 = :v0', 'REMOVE pk', ':v0', '#n0', '[0]', 'a b'];
    const patch = Object.fromEntries(hostile.map((k, i) => [k, i % 2 === 0 ? `value ${i}` : null]));
    const parts = buildUserUpdate(
      changes({ metadata: { user_metadata: metadataUpdate(patch), app_metadata: metadataUpdate({ [hostile[0]!]: 1 }) } }),
      NOW,
      50,
    );

    // Only placeholders, keywords and operators: every name is #n<i>, every value :v<i>.
    const tokens = /^(?:#n\d+|:v\d+|SET|REMOVE|AND|OR|IN|size|attribute_exists\(pk\)|attribute_exists|attribute_not_exists|[=+,.()<]|<=|\s)+$/;
    expect(parts.UpdateExpression).toMatch(tokens);
    expect(parts.ConditionExpression).toMatch(tokens);
    for (const key of hostile.filter((k) => k !== '#n0' && k !== ':v0')) {
      expect(parts.UpdateExpression).not.toContain(key);
      expect(parts.ConditionExpression).not.toContain(key);
    }
    for (const key of hostile) {
      const placeholders = Object.entries(parts.ExpressionAttributeNames).filter(([, name]) => name === key);
      expect(placeholders).toHaveLength(1);
      expect(placeholders[0]![0]).not.toBe(key);
    }
    expect(parts.ExpressionAttributeNames['#n0']).toBe('version');
    expect(parts.ExpressionAttributeValues[':v0']).toBe(1);
    for (const placeholder of Object.keys(parts.ExpressionAttributeNames)) expect(placeholder).toMatch(/^#n\d+$/);
    for (const placeholder of Object.keys(parts.ExpressionAttributeValues)) expect(placeholder).toMatch(/^:v\d+$/);
    expect(parts.ConditionExpression.startsWith('attribute_exists(pk) AND ')).toBe(true);
    expect(parts.ConditionExpression.match(/attribute_exists\(pk\)/g)).toHaveLength(1);
  });

  it('puts root field values behind placeholders too', () => {
    const parts = buildUserUpdate(changes({ set: { name: "x' OR '1'='1" } }), NOW, 50);
    expect(parts.UpdateExpression).toBe('SET #n0 = #n0 + :v0, #n1 = :v1, #n2 = :v2');
    expect(parts.ExpressionAttributeValues[':v2']).toBe("x' OR '1'='1");
  });

  it('stays within 4 KB at the default limit for the largest change: 50 keys in each store, every root field, MAX_TAGS versions', () => {
    const root = {
      email_verified: true, phone_number: '+1', phone_verified: true, given_name: 'a', family_name: 'b', name: 'c',
      nickname: 'd', picture: 'e', blocked: true, password_hash: 'x', last_password_reset: 'y',
    };
    const parts = buildUserUpdate(
      changes({
        set: root,
        metadata: { user_metadata: metadataUpdate(manyKeys('u', 50)), app_metadata: metadataUpdate(manyKeys('a', 50)) },
        expectedVersions: Array.from({ length: MAX_TAGS }, (_, i) => 100_000_000 + i),
      }),
      NOW,
      50,
    );
    expect(parts.UpdateExpression.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
    expect(parts.ConditionExpression.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
  });

  it('stays within 4 KB for the largest metadata change any accepted configuration allows', () => {
    // One attribute_exists term per key: past about 62 keys per store the condition would pass
    // DynamoDB's 4 KB expression limit, so readConfig caps METADATA_MAX_KEYS at 50.
    const maxKeys = largestConfiguredMaxKeys();
    const parts = buildUserUpdate(
      changes({
        metadata: { user_metadata: metadataUpdate(manyKeys('u', maxKeys)), app_metadata: metadataUpdate(manyKeys('a', maxKeys)) },
      }),
      NOW,
      maxKeys,
    );
    expect(parts.UpdateExpression.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
    expect(parts.ConditionExpression.length).toBeLessThanOrEqual(MAX_EXPRESSION_LENGTH);
  });
});
