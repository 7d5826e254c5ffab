import { adoptGrantItem, findGrantItem, setClientGrantScope } from '#shared/db/client-grants-repo';
import { ConditionFailedError } from '#shared/db/errors';
import { tenantChanged } from '#shared/platform/cache';
import { managementAudience } from '#shared/platform/config';
import { newClientGrantId } from '#shared/platform/ids';
import { log } from '#shared/platform/log';
import { MANAGEMENT_SCOPES } from '#shared/tenant/scopes';

/**
 * Keeps the seeded Management client's grant in step with the scope catalogue without undoing an
 * operator's choice. The grant records the catalogue it was last synced with (`seeded_scopes`);
 * each start adds only scopes new to the catalogue since then, so a scope an operator removed with
 * PATCH /client-grants/{id} stays removed, and a deleted grant stays deleted. A grant item from
 * before grants had ids is given one and its directory item (its scopes were the whole catalogue
 * of that start). docs/apis-and-grants.md, "The seeded Management grant".
 */
export async function syncManagementGrant(clientId: string): Promise<void> {
  const item = await findGrantItem(clientId, managementAudience);
  if (!item) {
    log.warn('the bootstrap Management client has no Management API grant (deleted by an operator); left as it is', { client_id: clientId });
    return;
  }
  const seeded = item.seeded_scopes ?? item.scope;
  const added = MANAGEMENT_SCOPES.filter((s) => !seeded.includes(s) && !item.scope.includes(s));
  const scope = [...item.scope, ...added];
  const catalogue = [...MANAGEMENT_SCOPES];
  try {
    if (!item.id) {
      await adoptGrantItem({ ...item, id: newClientGrantId(), scope, seeded_scopes: catalogue, created_at: new Date().toISOString() });
    } else if (!sameSet(seeded, catalogue) || !item.seeded_scopes) {
      await setClientGrantScope({ ...item, id: item.id }, scope, { expectedScope: item.scope, seeded_scopes: catalogue });
    } else {
      return;
    }
  } catch (error) {
    // Changed meanwhile (an operator's PATCH, another process's start): theirs stands; the next start looks again.
    if (error instanceof ConditionFailedError) return;
    throw error;
  }
  tenantChanged();
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && b.every((s) => a.includes(s));
