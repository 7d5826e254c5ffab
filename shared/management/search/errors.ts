import { InvalidQueryError } from '#shared/platform/errors';

/**
 * A query that cannot be parsed. Serialized like any InvalidQueryError (Auth0's 400
 * `invalid_query_string`); the message says where it broke, as a 1-based character position.
 */
export class QuerySyntaxError extends InvalidQueryError {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`'${reason} at position ${position}' on property q.`);
  }
}

/** A query that parses but asks for something search does not offer (an unknown field, a wildcard on metadata). */
export class UnsupportedQueryError extends InvalidQueryError {
  constructor(readonly reason: string) {
    super(`'${reason}' on property q.`);
  }
}
