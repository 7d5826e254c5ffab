import { managementRoute } from '#shared/http/management-route';
import { rotateSigningKey } from '#shared/tenant/signing-keys/lifecycle';
import { RotateSigningKeyBody } from '#shared/tenant/signing-keys/schemas';

export const handler = managementRoute('signing-keys-rotate', { body: RotateSigningKeyBody }, async () => ({
  status: 201,
  body: await rotateSigningKey(),
}));
