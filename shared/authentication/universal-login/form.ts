import { PageError } from '#shared/authentication/authorize/request';

/**
 * A hosted form's fields. Browsers post `application/x-www-form-urlencoded`; anything else is not
 * one of our forms. A repeated field keeps its first value; a field name or value past the limits
 * cannot come from our page (or a partial's input) and refuses the post.
 */
const MAX_FIELDS = 50;
const MAX_VALUE_LENGTH = 4096;

export function formFields(contentType: string | undefined, text: string): Record<string, string> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new PageError(415, 'Unsupported form', 'unsupported_media_type', 'This page accepts only its own form submissions.');
  }
  const out: Record<string, string> = Object.create(null);
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > MAX_FIELDS || name.length > 100 || value.length > MAX_VALUE_LENGTH) {
      throw new PageError(400, 'Invalid form', 'invalid_request', 'The form has too many or too long fields.');
    }
    if (!(name in out)) out[name] = value;
  }
  return out;
}
