import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/tenant/caller';
import { FieldsNotUpdatableError } from '#shared/management/errors';
import { InsufficientScopeError, ManagementError } from '#shared/platform/errors';
import { assertCanDelete, assertCanRead, assertCanUpdate } from '#shared/management/users/access';

const USER = 'auth0|me';
const OTHER = 'auth0|someone-else';

const machine = (...scopes: string[]): Caller => ({
  subject: 'm2m-client@clients',
  clientId: 'm2m-client',
  scopes: new Set(scopes),
  isUser: false,
});
const user = (...scopes: string[]): Caller => ({ subject: USER, clientId: 'spa', scopes: new Set(scopes), isUser: true });

function refusal(fn: () => unknown): ManagementError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ManagementError);
  return caught as ManagementError;
}

function insufficientScope(fn: () => unknown, expected: string): void {
  const error = refusal(fn);
  expect(error).toBeInstanceOf(InsufficientScopeError);
  expect({ statusCode: error.statusCode, errorCode: error.errorCode, message: error.message }).toEqual({
    statusCode: 403,
    errorCode: 'insufficient_scope',
    message: `Insufficient scope, expected any of: ${expected}`,
  });
}

function forbidden(fn: () => unknown, message: string): void {
  const error = refusal(fn);
  expect(error).toBeInstanceOf(FieldsNotUpdatableError);
  expect(error).not.toBeInstanceOf(InsufficientScopeError);
  expect({ statusCode: error.statusCode, errorCode: error.errorCode, message: error.message }).toEqual({
    statusCode: 403,
    errorCode: 'insufficient_scope',
    message,
  });
}

describe('assertCanRead', () => {
  it('lets read:users and read:user_idp_tokens read anyone', () => {
    expect(() => assertCanRead(machine('read:users'), OTHER)).not.toThrow();
    expect(() => assertCanRead(machine('read:user_idp_tokens'), OTHER)).not.toThrow();
    expect(() => assertCanRead(user('read:users'), OTHER)).not.toThrow();
  });

  it('lets a user token with read:current_user read only its own user', () => {
    expect(() => assertCanRead(user('read:current_user'), USER)).not.toThrow();
    insufficientScope(() => assertCanRead(user('read:current_user'), OTHER), 'read:users,read:user_idp_tokens');
  });

  it('does not let a machine token with read:current_user read anyone, even the id of its subject', () => {
    insufficientScope(() => assertCanRead(machine('read:current_user'), OTHER), 'read:users,read:user_idp_tokens');
    insufficientScope(() => assertCanRead(machine('read:current_user'), 'm2m-client@clients'), 'read:users,read:user_idp_tokens');
  });

  it('refuses other scopes', () => {
    insufficientScope(() => assertCanRead(user('update:current_user_metadata'), USER), 'read:users,read:user_idp_tokens');
    insufficientScope(() => assertCanRead(machine('update:users'), OTHER), 'read:users,read:user_idp_tokens');
  });
});

describe('assertCanDelete', () => {
  it('lets delete:users delete anyone', () => {
    expect(() => assertCanDelete(machine('delete:users'), OTHER)).not.toThrow();
  });

  it('lets a user token with delete:current_user delete only itself', () => {
    expect(() => assertCanDelete(user('delete:current_user'), USER)).not.toThrow();
    insufficientScope(() => assertCanDelete(user('delete:current_user'), OTHER), 'delete:users');
  });

  it('does not let a machine token use delete:current_user', () => {
    insufficientScope(() => assertCanDelete(machine('delete:current_user'), 'm2m-client@clients'), 'delete:users');
  });

  it('does not treat delete:current_user_metadata as delete:current_user', () => {
    insufficientScope(() => assertCanDelete(user('delete:current_user_metadata'), USER), 'delete:users');
  });
});

describe('assertCanUpdate', () => {
  it('lets update:users change anything on anyone', () => {
    const body = { email: 'a@b.c', password: 'x', app_metadata: { plan: 'pro' }, user_metadata: { a: null } };
    expect(assertCanUpdate(machine('update:users'), OTHER, body)).toEqual({ createOnlyUserMetadata: false });
  });

  it('lets update:users_app_metadata change app_metadata on anyone', () => {
    expect(assertCanUpdate(machine('update:users_app_metadata'), OTHER, { app_metadata: { plan: 'pro' } })).toEqual({
      createOnlyUserMetadata: false,
    });
  });

  it('refuses every other field to update:users_app_metadata, listing them in body order', () => {
    forbidden(
      () => assertCanUpdate(machine('update:users_app_metadata'), OTHER, { email: 'a@b.c', app_metadata: {}, user_metadata: { a: 1 } }),
      'You cannot update the following fields: email, user_metadata',
    );
    forbidden(
      () => assertCanUpdate(machine('update:users_app_metadata'), OTHER, { blocked: true }),
      'You cannot update the following fields: blocked',
    );
  });

  it('lets a user token with update:current_user_metadata set and delete its own user_metadata', () => {
    const caller = user('update:current_user_metadata');
    expect(assertCanUpdate(caller, USER, { user_metadata: { theme: 'dark', old: null } })).toEqual({ createOnlyUserMetadata: false });
    expect(assertCanUpdate(caller, USER, { user_metadata: {} })).toEqual({ createOnlyUserMetadata: false });
  });

  it('refuses app_metadata and root fields to a user token', () => {
    const caller = user('update:current_user_metadata');
    forbidden(() => assertCanUpdate(caller, USER, { app_metadata: { plan: 'pro' } }), 'You cannot update the following fields: app_metadata');
    forbidden(
      () => assertCanUpdate(caller, USER, { given_name: 'J', family_name: 'D', email: 'a@b.c', user_metadata: { a: 1 } }),
      'You cannot update the following fields: given_name, family_name, email',
    );
  });

  it("refuses another user's id to a user token", () => {
    insufficientScope(
      () => assertCanUpdate(user('update:current_user_metadata'), OTHER, { user_metadata: { a: 1 } }),
      'update:users,update:users_app_metadata',
    );
  });

  it('refuses a machine token with current-user scopes', () => {
    insufficientScope(
      () => assertCanUpdate(machine('update:current_user_metadata'), 'm2m-client@clients', { user_metadata: { a: 1 } }),
      'update:users,update:users_app_metadata',
    );
  });

  it('refuses a caller with no update scope', () => {
    insufficientScope(() => assertCanUpdate(user('read:current_user'), USER, { user_metadata: { a: 1 } }), 'update:users,update:users_app_metadata');
  });

  it('makes sets create-only for create:current_user_metadata alone', () => {
    expect(assertCanUpdate(user('create:current_user_metadata'), USER, { user_metadata: { a: 1, b: { c: 2 } } })).toEqual({
      createOnlyUserMetadata: true,
    });
  });

  it('refuses removals and clears to create:current_user_metadata alone', () => {
    const caller = user('create:current_user_metadata');
    insufficientScope(
      () => assertCanUpdate(caller, USER, { user_metadata: { a: 1, b: null } }),
      'update:current_user_metadata,delete:current_user_metadata',
    );
    insufficientScope(() => assertCanUpdate(caller, USER, { user_metadata: {} }), 'update:current_user_metadata,delete:current_user_metadata');
  });

  it('allows only nulls and {} to delete:current_user_metadata alone', () => {
    const caller = user('delete:current_user_metadata');
    expect(assertCanUpdate(caller, USER, { user_metadata: { a: null, b: null } })).toEqual({ createOnlyUserMetadata: false });
    expect(assertCanUpdate(caller, USER, { user_metadata: {} })).toEqual({ createOnlyUserMetadata: false });
    insufficientScope(
      () => assertCanUpdate(caller, USER, { user_metadata: { a: null, b: 1 } }),
      'update:current_user_metadata,create:current_user_metadata',
    );
  });

  it('allows new keys and removals together with create: and delete:, sets being create-only', () => {
    const caller = user('create:current_user_metadata', 'delete:current_user_metadata');
    expect(assertCanUpdate(caller, USER, { user_metadata: { a: 1, b: null } })).toEqual({ createOnlyUserMetadata: true });
    expect(assertCanUpdate(caller, USER, { user_metadata: { b: null } })).toEqual({ createOnlyUserMetadata: false });
  });
});
