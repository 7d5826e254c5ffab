import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createBootstrapClients, refreshBootstrap } from '#shared/bootstrap/seed';
import { syncManagementGrant } from '#shared/management/client-grants/bootstrap';
import { managementAudience } from '#shared/platform/config';
import { MANAGEMENT_SCOPES } from '#shared/tenant/scopes';
import { createClient } from '#shared/tenant/clients';
import { db, tableName } from '#shared/db/client';
import { clientGrantKey } from '#shared/db/keys';
import { call } from '#test/support/api';

/**
 * The seeded Management client holds its scopes through a client grant that an operator can
 * narrow, and later starts (refreshBootstrap) never widen it again; they add only scopes new to
 * the catalogue, and give a grant item from before grants had ids its id and directory item.
 */
const GRANTS = ['read:client_grants', 'update:client_grants', 'delete:client_grants'];

const managementToken = (client_id: string, client_secret: string) =>
  call('oauth-token', {
    headers: { 'content-type': 'application/json' },
    rawBody: JSON.stringify({ grant_type: 'client_credentials', client_id, client_secret, audience: managementAudience }),
  });

async function grantOf(clientId: string) {
  const listed = await call('client-grants-list', { scopes: GRANTS, query: { client_id: clientId } });
  expect(listed.status).toBe(200);
  return listed.body as { id: string; scope: string[] }[];
}

describe('the seeded Management grant', () => {
  it('is a full grant an operator can narrow; the next token carries the narrower scopes and a restart keeps them', async () => {
    const saved = await createBootstrapClients();
    const [grant] = await grantOf(saved.management.client_id);
    expect(grant).toEqual({ id: expect.stringMatching(/^cgr_/), client_id: saved.management.client_id, audience: managementAudience, scope: [...MANAGEMENT_SCOPES] });

    const narrowed = await call('client-grants-update', { scopes: GRANTS, params: { id: grant!.id }, body: { scope: ['read:users', 'read:client_grants'] } });
    expect(narrowed.status, narrowed.text).toBe(200);
    const token = await managementToken(saved.management.client_id, saved.management.client_secret);
    expect(token.body.scope).toBe('read:users read:client_grants');

    expect(await refreshBootstrap(saved)).toMatchObject({ management: { client_id: saved.management.client_id } });
    expect((await grantOf(saved.management.client_id))[0]!.scope).toEqual(['read:users', 'read:client_grants']);
    expect((await managementToken(saved.management.client_id, saved.management.client_secret)).body.scope).toBe('read:users read:client_grants');
  });

  it('gains only the scopes new to the catalogue since it was seeded, not those the operator removed', async () => {
    const { client } = await createClient({
      name: 'Older seed', app_type: 'non_interactive', grant_types: ['client_credentials'],
      grants: [{ audience: managementAudience, scope: MANAGEMENT_SCOPES, seeded_scopes: MANAGEMENT_SCOPES }],
    });
    // As if seeded by a release without read:stats, then narrowed by the operator (no delete:users).
    const older = MANAGEMENT_SCOPES.filter((s) => s !== 'read:stats');
    const operator = older.filter((s) => s !== 'delete:users');
    await db.send(new UpdateCommand({
      TableName: tableName, Key: clientGrantKey(client.client_id, managementAudience),
      UpdateExpression: 'SET #scope = :scope, seeded_scopes = :older', ExpressionAttributeNames: { '#scope': 'scope' },
      ExpressionAttributeValues: { ':scope': operator, ':older': older },
    }));
    await syncManagementGrant(client.client_id);
    const [after] = await grantOf(client.client_id);
    expect(after!.scope).toEqual([...operator, 'read:stats']);
    expect(after!.scope).not.toContain('delete:users');
  });

  it('gives a grant item from before grants had ids its id and directory item, once', async () => {
    const { client } = await createClient({ name: 'Legacy seed', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await db.send(new PutCommand({
      TableName: tableName,
      Item: { ...clientGrantKey(client.client_id, managementAudience), client_id: client.client_id, audience: managementAudience, scope: [...MANAGEMENT_SCOPES] },
    }));
    expect(await grantOf(client.client_id)).toEqual([]);
    await syncManagementGrant(client.client_id);
    await syncManagementGrant(client.client_id);
    const adopted = await grantOf(client.client_id);
    expect(adopted).toEqual([{ id: expect.stringMatching(/^cgr_/), client_id: client.client_id, audience: managementAudience, scope: [...MANAGEMENT_SCOPES] }]);
  });

  it('stays deleted when an operator deleted it', async () => {
    const saved = await createBootstrapClients();
    const [grant] = await grantOf(saved.management.client_id);
    expect((await call('client-grants-delete', { scopes: GRANTS, params: { id: grant!.id } })).status).toBe(204);
    await refreshBootstrap(saved);
    expect(await grantOf(saved.management.client_id)).toEqual([]);
    expect((await managementToken(saved.management.client_id, saved.management.client_secret)).status).toBe(403);
  });
});
