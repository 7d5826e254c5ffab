/** Who is calling the Management API, as proven by a verified access token. */
export interface Caller {
  /** `sub`: a user id for user tokens, `<client_id>@clients` for machine tokens. */
  subject: string;
  clientId: string | undefined;
  scopes: ReadonlySet<string>;
  /** True for tokens issued to a signed-in user (their scopes reach only that user). */
  isUser: boolean;
}

export const hasAnyScope = (caller: Caller, scopes: readonly string[]) => scopes.some((s) => caller.scopes.has(s));
