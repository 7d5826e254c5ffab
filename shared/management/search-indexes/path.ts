import { MetadataLimitError } from '#shared/management/errors';
import { checkKey, RESERVED_APP_METADATA_KEYS, type MetadataStore } from '#shared/management/metadata/rules';

/**
 * What a declared index path may be: `user_metadata.<key>[.<key>...]` or the same under
 * app_metadata, each key one that metadata may hold (shared/management/metadata/rules.ts), no deeper than
 * metadata may nest. `%` is refused too: the path travels in the URL of GET and DELETE, and a key
 * holding a percent-escape could not be told from its decoding there.
 */
const STORES: readonly string[] = ['user_metadata', 'app_metadata'];
const MAX_PATH_BYTES = 512;

/** The reason the path cannot be declared, or undefined if it can. */
export function indexPathProblem(path: string, maxDepth: number): string | undefined {
  const [store, ...keys] = path.split('.');
  if (store === undefined || !STORES.includes(store) || keys.length === 0) {
    return 'The path must start with user_metadata. or app_metadata. and name at least one key (root fields are indexed already)';
  }
  if (keys.length > maxDepth) return `The path is nested deeper than ${maxDepth} levels (METADATA_MAX_DEPTH)`;
  try {
    keys.forEach((key, i) => checkKey(store as MetadataStore, keys.slice(0, i).join('.'), key));
  } catch (error) {
    if (error instanceof MetadataLimitError) return error.message.replace(/\.$/, '');
    throw error;
  }
  if (store === 'app_metadata' && RESERVED_APP_METADATA_KEYS.has(keys[0]!)) return `app_metadata.${keys[0]} is a reserved name and cannot be set`;
  if (path.includes('%')) return 'Keys containing "%" cannot be indexed';
  // The path is part of every entry's partition key and of the declaration's sort key (1,024 bytes).
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) return `The path is longer than ${MAX_PATH_BYTES} bytes`;
  return undefined;
}
