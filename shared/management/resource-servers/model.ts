import type { Api } from '#shared/tenant/resource-servers';

/**
 * An API on the wire, in the order Auth0 serves it. Custom APIs carry no `is_system` key; the
 * Management API carries `is_system: true`. `enforce_policies` and `token_dialect` appear only when set.
 */
export const RESOURCE_SERVER_FIELDS = [
  'id', 'name', 'is_system', 'identifier', 'scopes', 'signing_alg', 'allow_offline_access',
  'skip_consent_for_verifiable_first_party_clients', 'token_lifetime', 'token_lifetime_for_web', 'enforce_policies', 'token_dialect',
] as const;

export function toWireApi(api: Api): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  for (const field of RESOURCE_SERVER_FIELDS) {
    const value = api[field];
    if (value !== undefined) wire[field] = field === 'scopes' ? api.scopes.map((s) => ({ ...s })) : value;
  }
  return wire;
}

/** Auth0's `fields` / `include_fields`: keep (or drop) the listed fields. */
export function projectApi(wire: Record<string, unknown>, fields: readonly string[] | undefined, include: boolean) {
  if (!fields || fields.length === 0) return wire;
  const listed = new Set(fields);
  return Object.fromEntries(Object.entries(wire).filter(([key]) => listed.has(key) === include));
}
