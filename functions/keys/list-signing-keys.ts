import { managementRoute } from '#shared/http/management-route';
import { listSigningKeys } from '#shared/tenant/signing-keys/read';

export const handler = managementRoute('signing-keys-list', {}, async () => ({ body: await listSigningKeys() }));
