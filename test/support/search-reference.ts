/**
 * A deliberately simple, independent reference for Auth0 v3 user search over a small subset of the
 * syntax, for property-based tests of GET /api/v2/users?q=…. It shares nothing with shared/search:
 * queries are this file's own structured form (not the parser's AST), rendered to Lucene text by
 * `render` and decided against a user in wire form by `referenceMatches`.
 *
 * Auth0's rules for the subset (auth0-behaviour.md §5):
 * - `email` and `name` match the whole value, ignoring case; `name:pre*` is a case-insensitive prefix.
 * - Metadata is case-sensitive and typed: strings by exact text, numbers by value, booleans by
 *   `true`/`false`; an array matches when any element does. Auth0 has no wildcards or ranges on
 *   metadata; this service allows them on declared indexes: a number range `[a TO b]` (bounds
 *   inclusive) and a case-sensitive string prefix `pre*`.
 * - `_exists_:path` ignores null, empty arrays and empty objects (they are not indexed).
 * - AND / OR / NOT are boolean, as Auth0's documented examples read them
 *   (`email_verified:false OR NOT _exists_:email_verified`).
 */

export type MetadataPath = 'user_metadata.age' | 'user_metadata.vip' | 'user_metadata.tags' | 'user_metadata.nickname_hint';

export type Atom =
  | { kind: 'email'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'name-prefix'; prefix: string }
  | { kind: 'plan'; value: string }
  | { kind: 'age'; value: number }
  | { kind: 'age-range'; from: number; to: number }
  | { kind: 'plan-prefix'; prefix: string }
  | { kind: 'vip'; value: boolean }
  | { kind: 'tag'; value: string }
  | { kind: 'exists'; path: MetadataPath };

export type SearchQuery =
  | { op: 'atom'; atom: Atom }
  | { op: 'and'; clauses: SearchQuery[] }
  | { op: 'or'; clauses: SearchQuery[] }
  | { op: 'not'; clause: SearchQuery };

export type WireUser = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Evaluation

export function referenceMatches(query: SearchQuery, user: WireUser): boolean {
  switch (query.op) {
    case 'and':
      return query.clauses.every((clause) => referenceMatches(clause, user));
    case 'or':
      return query.clauses.some((clause) => referenceMatches(clause, user));
    case 'not':
      return !referenceMatches(query.clause, user);
    case 'atom':
      return atomMatches(query.atom, user);
  }
}

function atomMatches(atom: Atom, user: WireUser): boolean {
  const userMetadata = objectAt(user, 'user_metadata');
  const appMetadata = objectAt(user, 'app_metadata');
  switch (atom.kind) {
    case 'email':
      return typeof user.email === 'string' && user.email.toLowerCase() === atom.value.toLowerCase();
    case 'name':
      return typeof user.name === 'string' && user.name.toLowerCase() === atom.value.toLowerCase();
    case 'name-prefix':
      return typeof user.name === 'string' && user.name.toLowerCase().startsWith(atom.prefix.toLowerCase());
    case 'plan':
      return scalars(appMetadata.plan).some((v) => typeof v === 'string' && v === atom.value);
    case 'age':
      return scalars(userMetadata.age).some((v) => typeof v === 'number' && v === atom.value);
    case 'age-range':
      return scalars(userMetadata.age).some((v) => typeof v === 'number' && v >= atom.from && v <= atom.to);
    case 'plan-prefix':
      return scalars(appMetadata.plan).some((v) => typeof v === 'string' && v.startsWith(atom.prefix));
    case 'vip':
      return scalars(userMetadata.vip).some((v) => typeof v === 'boolean' && v === atom.value);
    case 'tag':
      return scalars(userMetadata.tags).some((v) => typeof v === 'string' && v === atom.value);
    case 'exists': {
      const key = atom.path.slice('user_metadata.'.length);
      return Object.hasOwn(userMetadata, key) && isIndexed(userMetadata[key]);
    }
  }
}

function objectAt(user: WireUser, key: string): Record<string, unknown> {
  const value = user[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A value as the index sees it: arrays (at any depth) are their elements. */
function scalars(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.flatMap(scalars) : [value];
}

/** Null, empty arrays and empty objects (and containers of only those) are not indexed. */
function isIndexed(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.some(isIndexed);
  if (typeof value === 'object') return Object.values(value).some(isIndexed);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Rendering to Lucene text

/** A quoted phrase: only `"` and `\` need escaping inside. */
export const phrase = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** A bare term: Lucene's special characters and whitespace escaped with a backslash. */
const SPECIAL = new Set([...'\\+-!(){}[]^"~*?:/&|<>=', ' ', '\t', '\n', '\r', '\u3000']);
export const bareTerm = (text: string) => [...text].map((c) => (SPECIAL.has(c) ? `\\${c}` : c)).join('');

export function renderAtom(atom: Atom): string {
  switch (atom.kind) {
    case 'email':
      return `email:${phrase(atom.value)}`;
    case 'name':
      return `name:${phrase(atom.value)}`;
    case 'name-prefix':
      return `name:${bareTerm(atom.prefix)}*`;
    case 'plan':
      return `app_metadata.plan:${phrase(atom.value)}`;
    case 'age':
      return `user_metadata.age:${atom.value}`;
    case 'age-range':
      return `user_metadata.age:[${atom.from} TO ${atom.to}]`;
    case 'plan-prefix':
      return `app_metadata.plan:${bareTerm(atom.prefix)}*`;
    case 'vip':
      return `user_metadata.vip:${atom.value}`;
    case 'tag':
      return `user_metadata.tags:${phrase(atom.value)}`;
    case 'exists':
      return `_exists_:${atom.path}`;
  }
}

/**
 * The Lucene string. Every compound operand is parenthesised, so precedence and Lucene's
 * mixed-operator quirks (`a OR b AND c`) never come into it: only chains of one operator
 * stay flat (`a AND b AND c`).
 */
export function render(query: SearchQuery): string {
  switch (query.op) {
    case 'atom':
      return renderAtom(query.atom);
    case 'not':
      return `NOT ${operand(query.clause)}`;
    case 'and':
    case 'or':
      return query.clauses.map(operand).join(query.op === 'and' ? ' AND ' : ' OR ');
  }
}

const operand = (query: SearchQuery) => (query.op === 'atom' || query.op === 'not' ? render(query) : `(${render(query)})`);

/** Operator nesting depth: an atom is 0. */
export function depth(query: SearchQuery): number {
  if (query.op === 'atom') return 0;
  if (query.op === 'not') return 1 + depth(query.clause);
  return 1 + Math.max(...query.clauses.map(depth));
}

/** Strictly smaller queries, most reduced first, for shrinking a counterexample. */
export function shrinkCandidates(query: SearchQuery): SearchQuery[] {
  if (query.op === 'atom') return [];
  if (query.op === 'not') {
    return [query.clause, ...shrinkCandidates(query.clause).map((clause) => ({ op: 'not' as const, clause }))];
  }
  const { op, clauses } = query;
  const out: SearchQuery[] = [...clauses];
  clauses.forEach((_, i) => {
    const rest = clauses.filter((__, j) => j !== i);
    if (rest.length >= 2) out.push({ op, clauses: rest });
  });
  clauses.forEach((clause, i) => {
    for (const smaller of shrinkCandidates(clause)) out.push({ op, clauses: clauses.map((c, j) => (j === i ? smaller : c)) });
  });
  return out;
}
