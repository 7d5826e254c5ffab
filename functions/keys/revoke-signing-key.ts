import { managementRoute } from '#shared/http/management-route';
import { configuredKeyMaker } from '#shared/tenant/signing-keys/configured-key-maker';
import { revokeSigningKey } from '#shared/tenant/signing-keys/lifecycle';
import { SigningKeyParams } from '#shared/tenant/signing-keys/schemas';

export const handler = managementRoute('signing-keys-revoke', { params: SigningKeyParams }, async ({ params }) => ({
  body: await revokeSigningKey(params.kid, configuredKeyMaker()),
}));
