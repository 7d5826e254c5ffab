import { managementRoute } from '#shared/http/management-route';
import { configuredKeyMaker } from '#shared/tenant/signing-keys/configured-key-maker';
import { rotateSigningKey } from '#shared/tenant/signing-keys/lifecycle';
import { RotateSigningKeyBody } from '#shared/tenant/signing-keys/schemas';

export const handler = managementRoute('signing-keys-rotate', { body: RotateSigningKeyBody }, async () => ({
  status: 201,
  body: await rotateSigningKey(configuredKeyMaker()),
}));
