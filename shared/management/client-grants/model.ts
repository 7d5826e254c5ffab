import type { StoredClientGrant } from '#shared/db/client-grants-repo';

/** A client grant on the wire, as Auth0 serves it (go-auth0 TestClientGrantManager_Create); `subject_type` only when set. */
export function toWireGrant(grant: StoredClientGrant): Record<string, unknown> {
  return {
    id: grant.id,
    client_id: grant.client_id,
    audience: grant.audience,
    scope: [...grant.scope],
    ...(grant.subject_type ? { subject_type: grant.subject_type } : {}),
  };
}
