import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '#shared/tenant/clients';
import { insertConnection } from '#shared/db/connections-repo';
import { call } from '#test/support/api';
import { CONNECTION, uniqueEmail } from '#test/support/users';

/**
 * POST /dbconnections/signup, successful: Auth0's answer (`_id` without the provider, then what
 * the request set, in Auth0's key order), from JSON and form bodies, and the user it creates as
 * the Management API then serves it, user_metadata included.
 */
const USERNAMES = 'signup-with-usernames';
const PASSWORD = 'Passw0rd!long';
let clientId: string;

beforeAll(async () => {
  const { client } = await createClient({ name: 'Signup SPA', app_type: 'spa', grant_types: ['password'] });
  clientId = client.client_id;
  await insertConnection({
    id: 'con_signup_usernames', name: USERNAMES, strategy: 'auth0', options: { requires_username: true, passwordPolicy: 'good' },
    enabled_clients: [clientId], realms: [USERNAMES], is_domain_connection: false,
  });
});

const signup = (body: Record<string, unknown>) => call('signup', { body: { client_id: clientId, connection: CONNECTION, password: PASSWORD, ...body } });
const readUser = (id: string) => call('users-get', { params: { id: `auth0|${id}` }, scopes: ['read:users'] });

describe('POST /dbconnections/signup', () => {
  it('answers 200 with the new id, email_verified and the email, in that order', async () => {
    const email = uniqueEmail('chuck');
    const res = await signup({ email });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toMatch(new RegExp(`^\\{"_id":"[0-9a-f]{24}","email_verified":false,"email":"${email.replace(/\./g, '\\.')}"\\}$`));
  });

  it('creates a database user with Auth0 defaults, visible through the Management API', async () => {
    const email = uniqueEmail('grace');
    const res = await signup({ email: email.toUpperCase() });
    expect(res.body.email).toBe(email);
    const user = await readUser(res.body._id);
    expect(user.status).toBe(200);
    expect(user.body).toEqual({
      created_at: expect.any(String),
      email,
      email_verified: false,
      identities: [{ connection: CONNECTION, user_id: res.body._id, provider: 'auth0', isSocial: false }],
      name: email,
      nickname: email.split('@')[0],
      picture: expect.stringMatching(/^https:\/\/s\.gravatar\.com\/avatar\/[0-9a-f]{32}\?s=480&r=pg&d=.*gr\.png$/),
      updated_at: expect.any(String),
      user_id: `auth0|${res.body._id}`,
    });
  });

  it('echoes every field it set, lower-cases email and username, and stores user_metadata', async () => {
    const email = uniqueEmail('Ada.Lovelace');
    const res = await signup({
      email: email.toUpperCase(), connection: USERNAMES, username: 'Ada_L', given_name: 'Ada', family_name: 'Lovelace',
      name: 'Ada Lovelace', nickname: 'ada', picture: 'https://example.org/ada.png', phone_number: '+14155550100',
      user_metadata: { plan: 'silver', team_id: 'a111' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual(res.body);
    expect(res.text).toBe(
      `{"_id":"${res.body._id}","email_verified":false,"email":"${email.toLowerCase()}","username":"ada_l","given_name":"Ada",` +
        '"family_name":"Lovelace","name":"Ada Lovelace","nickname":"ada","picture":"https://example.org/ada.png",' +
        '"phone_number":"+14155550100","phone_verified":false,"user_metadata":{"plan":"silver","team_id":"a111"}}',
    );
    const user = await readUser(res.body._id);
    expect(user.body).toMatchObject({
      email: email.toLowerCase(), username: 'ada_l', given_name: 'Ada', family_name: 'Lovelace', name: 'Ada Lovelace',
      nickname: 'ada', picture: 'https://example.org/ada.png', phone_number: '+14155550100', phone_verified: false,
      user_metadata: { plan: 'silver', team_id: 'a111' },
      identities: [{ connection: USERNAMES, user_id: res.body._id, provider: 'auth0', isSocial: false }],
    });
    expect(user.body).not.toHaveProperty('app_metadata');
  });

  it('accepts user_metadata at the limits: 10 properties, 100-character names, 500-character values', async () => {
    const user_metadata = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${i}`.padEnd(100, 'k'), 'v'.repeat(500)]));
    const res = await signup({ email: uniqueEmail(), user_metadata });
    expect(res.status).toBe(200);
    expect(res.body.user_metadata).toEqual(user_metadata);
    expect((await readUser(res.body._id)).body.user_metadata).toEqual(user_metadata);
  });

  it('accepts an empty user_metadata and leaves it out of the answer', async () => {
    const res = await signup({ email: uniqueEmail(), user_metadata: {} });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['_id', 'email_verified', 'email']);
  });

  it('takes a form-encoded body, with user_metadata as user_metadata[key]', async () => {
    const email = uniqueEmail('form');
    const form = new URLSearchParams({
      client_id: clientId, email, password: PASSWORD, connection: CONNECTION, given_name: 'Form',
      'user_metadata[theme]': 'dark', 'user_metadata[lang]': 'fr',
    });
    const res = await call('signup', { rawBody: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/), email_verified: false, email, given_name: 'Form', user_metadata: { theme: 'dark', lang: 'fr' },
    });
    expect((await readUser(res.body._id)).body.user_metadata).toEqual({ theme: 'dark', lang: 'fr' });
  });

  it('takes JSON with a charset and ignores parameters it does not know (SDKs send extras)', async () => {
    const res = await call('signup', {
      rawBody: JSON.stringify({ client_id: clientId, email: uniqueEmail(), password: PASSWORD, connection: CONNECTION, tenant: 'x', sso: true }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['_id', 'email_verified', 'email']);
  });

  it('lets the same email sign up in another database connection', async () => {
    const email = uniqueEmail();
    expect((await signup({ email })).status).toBe(200);
    expect((await signup({ email, connection: USERNAMES, username: `u${Date.now()}` })).status).toBe(200);
  });
});
