import { managementRoute } from '#shared/http/management-route';
import { getSigningKey } from '#shared/tenant/signing-keys/read';
import { SigningKeyParams } from '#shared/tenant/signing-keys/schemas';

export const handler = managementRoute('signing-keys-get', { params: SigningKeyParams }, async ({ params }) => ({
  body: await getSigningKey(params.kid),
}));
