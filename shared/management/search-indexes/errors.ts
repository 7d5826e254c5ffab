import { ManagementError } from '#shared/platform/errors';

/** Search index declarations: our extension of the Management API, in Auth0's error shape. */
export class SearchIndexExistsError extends ManagementError {
  constructor(path: string) {
    super(409, 'search_index_conflict', `A search index on ${path} already exists`);
  }
}

export class SearchIndexNotFoundError extends ManagementError {
  constructor() {
    super(404, 'inexistent_search_index', 'The search index does not exist.');
  }
}

export class TooManySearchIndexesError extends ManagementError {
  constructor(max: number) {
    super(400, 'too_many_search_indexes', `At most ${max} search indexes can be declared; delete one first.`);
  }
}

export class BuiltinSearchIndexError extends ManagementError {
  constructor(path: string) {
    super(400, 'builtin_search_index', `${path} is a built-in search index and cannot be deleted.`);
  }
}
