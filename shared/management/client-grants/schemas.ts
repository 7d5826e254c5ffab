// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { queryBoolean } from '#shared/platform/query-schemas';
import { identifierBytes } from '#shared/management/resource-servers/schemas';

/** Request shapes for /api/v2/client-grants (docs/apis-and-grants.md). */

/** As many scopes as an API may define (Auth0: 1000), each as long as an API's scope value. */
const scopeList = z
  .array(z.string().min(1).max(280).refine((v) => /^[^\s\p{Cc}\p{Cf}]+$/u.test(v), { error: 'Scope values contain no whitespace or control characters' }))
  .max(1000)
  .describe('Scopes allowed for this client grant.');
const clientId = z.string().min(1).max(128).describe('ID of the client.');
const audience = identifierBytes(z.string().min(1).max(600)).describe('The audience (API identifier) of this client grant');

export const CreateClientGrantBody = z
  .object({
    client_id: clientId,
    audience,
    scope: scopeList,
    // No user-access grants here (docs/apis-and-grants.md): "user" is refused, not stored as a client grant.
    subject_type: z
      .enum(['client', 'user'])
      .refine((v) => v === 'client', { error: 'subject_type "user" (user access) is not supported by this service; use client' })
      .optional()
      .describe('Defines the type of subject for this grant.'),
  })
  .strict();
export type CreateClientGrantBody = z.output<typeof CreateClientGrantBody>;

/** Only `scope` changes: the client, audience and subject type are fixed (sending them is a 400 naming them). */
export const UpdateClientGrantBody = z.object({ scope: scopeList.optional() }).strict();
export type UpdateClientGrantBody = z.output<typeof UpdateClientGrantBody>;

export const ClientGrantIdParams = z.object({
  id: z.string().min(1).max(64).describe('ID of the client grant'),
});

export const ListClientGrantsQuery = z
  .object({
    audience: audience.optional().describe('Optional filter on audience.'),
    client_id: clientId.optional().describe('Optional filter on client_id.'),
    subject_type: z.enum(['client', 'user']).optional().describe('The type of application access the client grant allows.'),
    allow_any_organization: queryBoolean.optional().describe('Optional filter on allow_any_organization.'),
    page: z.coerce.number().int().min(0).max(100_000).optional().describe('Page index of the results to return. First page is 0.'),
    per_page: z.coerce.number().int().min(1).max(100).optional().describe('Number of results per page. Defaults to 50.'),
    include_totals: queryBoolean.default(false).describe('Return results inside an object that contains the total result count (true) or as a direct array of results (false, default).'),
    from: z.string().min(1).max(64).optional().describe('Optional Id from which to start selection.'),
    take: z.coerce.number().int().min(1).max(100).optional().describe('Number of results per page. Defaults to 50.'),
  })
  .strict();
export type ListClientGrantsQuery = z.output<typeof ListClientGrantsQuery>;
