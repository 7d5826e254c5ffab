import { InvalidBodyError } from '#shared/platform/errors';
import { rawBody, type HttpEvent } from '#shared/http/event';

/**
 * A request's JSON body, or undefined when empty. Strings and property names must be well-formed
 * Unicode: JSON may carry lone surrogates (`"\ud800"`), which cannot be stored as UTF-8 or put in
 * a URL. The walk uses its own stack, so no nesting depth can exhaust the call stack.
 */
export function jsonBody(event: HttpEvent): unknown {
  const raw = rawBody(event);
  if (raw.length === 0) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidBodyError("'Invalid request payload JSON format'.");
  }
  assertWellFormed(body);
  return body;
}

function assertWellFormed(root: unknown): void {
  const pending: [unknown, string][] = [[root, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) throw new InvalidBodyError(`'String is not well-formed Unicode' on property ${path || '(root)'}.`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push([item, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (!key.isWellFormed()) throw new InvalidBodyError(`'Property name is not well-formed Unicode' on property ${path || '(root)'}.`);
        pending.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
}
