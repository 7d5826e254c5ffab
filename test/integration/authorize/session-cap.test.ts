import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, tableName } from '#shared/db/client';
import { MAX_SSO_SESSIONS_PER_USER } from '#shared/authentication/authorize/sso';
import { Browser, pkce, redirectParams, seedSpa, SPA_CALLBACK } from '#test/support/browser-flow';
import { PASSWORD, seedLoginUser } from '#test/support/logins';

/**
 * SSO sessions live in the user's partition (one Query answers prompt=none), so their number is
 * bounded: the sixth browser to log in ends the oldest browser's session, and every read of the
 * user stays small.
 */
let app: { client_id: string };
beforeAll(async () => {
  app = await seedSpa();
});

const request = (extra: Record<string, string> = {}) => ({
  client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', scope: 'openid', state: 's',
  code_challenge: pkce().challenge, code_challenge_method: 'S256', ...extra,
});

async function logIn(email: string): Promise<Browser> {
  const browser = new Browser();
  const start = await browser.authorize(request());
  const page = await browser.screen(start.headers.location!);
  expect((await browser.submit('login', page.text, { email, password: PASSWORD })).status).toBe(302);
  return browser;
}

const sessionItems = async (userId: string) =>
  ((await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${userId}` }, ConsistentRead: true }))).Items ?? [])
    .filter((i) => String(i.sk).startsWith('SSO#'));

describe('sessions per user', () => {
  it(`keeps at most ${MAX_SSO_SESSIONS_PER_USER}: a new browser's login ends the oldest browser's session`, async () => {
    expect(MAX_SSO_SESSIONS_PER_USER).toBe(5);
    const user = await seedLoginUser();
    const browsers: Browser[] = [];
    for (let i = 0; i < 6; i++) {
      browsers.push(await logIn(user.email));
      await new Promise((r) => setTimeout(r, i === 0 ? 1100 : 0)); // the first is the oldest by auth_time
    }
    const items = await sessionItems(user.user_id);
    expect(items).toHaveLength(5);
    expect(Object.keys(items[0]!).sort()).toEqual(['auth_time', 'connection', 'expires_at', 'idle_expires_at', 'pk', 'sk', 'ttl', 'user_created_at']);
    const oldest = await browsers[0]!.authorize(request({ prompt: 'none' }));
    expect(redirectParams(oldest).error).toBe('login_required');
    for (const browser of browsers.slice(1)) {
      const silent = await browser.authorize(request({ prompt: 'none' }));
      expect(Object.keys(redirectParams(silent)).sort()).toEqual(['code', 'state']);
    }
  });

  it('replaces the session of a browser that logs in again instead of adding one', async () => {
    const user = await seedLoginUser();
    const browser = await logIn(user.email);
    const start = await browser.authorize(request({ prompt: 'login' }));
    const page = await browser.screen(start.headers.location!);
    expect((await browser.submit('login', page.text, { email: user.email, password: PASSWORD })).status).toBe(302);
    expect(await sessionItems(user.user_id)).toHaveLength(1);
  });
});
