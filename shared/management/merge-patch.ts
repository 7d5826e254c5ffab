import { isPlainObject } from '#shared/platform/json';

/**
 * A PATCH of a settings document as Auth0 applies it to branding and tenant settings (JSON merge
 * patch, RFC 7386): objects merge key by key, `null` removes a key, anything else (arrays, strings,
 * a gradient replacing a colour) replaces. An object left empty is removed too, so clearing every
 * field of `colors` or `font` leaves no `{}` behind.
 */
export function mergePatch<T extends object>(target: T, patch: object): T {
  const out: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const merged = isPlainObject(value) ? mergePatch(isPlainObject(out[key]) ? out[key] : {}, value) : value;
    if (isPlainObject(merged) && Object.keys(merged).length === 0) delete out[key];
    else out[key] = merged;
  }
  return out as T;
}
