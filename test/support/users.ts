import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { call } from '#test/support/api';

export const CONNECTION = 'Username-Password-Authentication';
export const ALL_USER_SCOPES = ['read:users', 'create:users', 'update:users', 'delete:users'];

export const uniqueEmail = (prefix = 'user') => `${prefix}.${randomBytes(4).toString('hex')}@example.com`;

/** Creates a user through the API and returns its wire form. */
export async function seedUser(fields: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await call('users-create', {
    scopes: ['create:users'],
    body: { connection: CONNECTION, email: uniqueEmail(), password: 'Passw0rd!long', ...fields },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}
