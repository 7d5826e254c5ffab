import { InvalidSignupParameterError, UnsupportedMediaTypeError } from '#shared/authentication/errors';

/**
 * A signup request's parameters, from a JSON or a form-encoded body (auth0.js and the SDKs send
 * JSON; `curl -d` sends a form). A form carries user_metadata as `user_metadata[key]=value`.
 * Objects have no prototype, so no parameter name can reach one.
 */
export type SignupParams = Record<string, unknown>;

const INVALID_JSON = 'Invalid request payload JSON format';
const METADATA_FIELD = /^user_metadata\[([^\]]*)\](.*)$/s;

/** `text` is the request's body as the Lambda received it, decoded as UTF-8. */
export function signupParams(contentType: string | undefined, text: string): SignupParams {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return formParams(text);
  if (type === 'application/json') return jsonParams(text);
  throw new UnsupportedMediaTypeError();
}

function jsonParams(text: string): SignupParams {
  if (text.trim() === '') return Object.create(null) as SignupParams;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidSignupParameterError(INVALID_JSON);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidSignupParameterError(INVALID_JSON);
  return Object.assign(Object.create(null) as SignupParams, body);
}

/** Repeated names keep their last value. `user_metadata[a][b]` nests, so its value is an object. */
function formParams(text: string): SignupParams {
  const params = Object.create(null) as SignupParams;
  let metadata: Record<string, unknown> | undefined;
  for (const [name, value] of new URLSearchParams(text)) {
    const field = METADATA_FIELD.exec(name);
    if (!field) {
      params[name] = value;
      continue;
    }
    metadata ??= Object.create(null) as Record<string, unknown>;
    metadata[field[1]!] = field[2] ? { [field[2]]: value } : value;
  }
  // A plain `user_metadata=...` wins (and is refused: it is not an object).
  if (metadata && params.user_metadata === undefined) params.user_metadata = metadata;
  return params;
}
