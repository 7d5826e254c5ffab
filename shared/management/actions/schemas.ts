// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { queryBoolean } from '#shared/platform/query-schemas';
import { RUNTIMES, TRIGGER_IDS } from '#shared/management/actions/triggers';

/**
 * Request shapes for /api/v2/actions, with the field descriptions of Auth0's spec (node-auth0
 * 7.1.0) and the limits of Auth0's "Actions Limitations" page: 100 kB of code, 10 npm modules,
 * 30 secrets, secret names up to 128 and values up to 4,096 characters, 20 bound actions per
 * trigger. Nested objects drop unknown fields (SDKs echo `updated_at` back inside secrets);
 * top-level objects refuse them, as Auth0 does.
 */
export const MAX_CODE_BYTES = 100 * 1024;

const code = z.string().refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_CODE_BYTES, {
  error: (i) => `Code is larger than ${MAX_CODE_BYTES} bytes (${Buffer.byteLength(String(i.input), 'utf8')} bytes)`,
});

const trigger = z.object({
  id: z.enum(TRIGGER_IDS).describe('An actions extensibility point'),
  version: z.string().regex(/^v[0-9]{1,3}$/).optional().describe('The version of a trigger. v1, v2, etc.'),
});

const dependency = z.object({
  name: z.string().min(1).max(214).describe('name is the name of the npm module, e.g. lodash'),
  version: z.string().min(1).max(256).describe('description is the version of the npm module, e.g. 4.17.1'),
  registry_url: z.url().max(2048).optional().describe('registry_url is an optional value used primarily for private npm registries'),
});

const secret = z.object({
  name: z.string().min(1).max(128).describe('The name of the particular secret, e.g. API_KEY'),
  value: z.string().max(4096).optional().describe('The value of the particular secret, e.g. secret123'),
});
export type SecretInput = z.output<typeof secret>;

const descriptions = {
  name: 'The name of an action',
  supported_triggers: 'The list of triggers that this action supports. At this time, an action can only target a single trigger at a time',
  code: 'The source code of the action',
  dependencies: 'The list of third party npm modules, and their versions, that this action depends on',
  runtime: 'The Node runtime. For example: `node22`, defaults to `node22`',
  secrets: 'The list of secrets that are included in an action or a version of an action',
};

const fields = {
  name: z.string().min(1).max(255),
  supported_triggers: z.array(trigger).min(1).max(1),
  code,
  dependencies: z.array(dependency).max(10),
  runtime: z.enum(RUNTIMES),
  secrets: z.array(secret).max(30),
};

/** zod keeps a description on the schema it was given to, so each one goes on last. */
export const CreateActionBody = z
  .object({
    name: fields.name.describe(descriptions.name),
    supported_triggers: fields.supported_triggers.describe(descriptions.supported_triggers),
    code: fields.code.optional().describe(descriptions.code),
    dependencies: fields.dependencies.optional().describe(descriptions.dependencies),
    runtime: fields.runtime.optional().describe(descriptions.runtime),
    secrets: fields.secrets.optional().describe(descriptions.secrets),
    deploy: z.boolean().optional().describe('True if the action should be deployed after creation'),
  })
  .strict();
export type CreateActionBody = z.output<typeof CreateActionBody>;

export const UpdateActionBody = z
  .object({
    name: fields.name.optional().describe(descriptions.name),
    supported_triggers: fields.supported_triggers.optional().describe(descriptions.supported_triggers),
    code: fields.code.optional().describe(descriptions.code),
    dependencies: fields.dependencies.optional().describe(descriptions.dependencies),
    runtime: fields.runtime.optional().describe(descriptions.runtime),
    secrets: fields.secrets.optional().describe(descriptions.secrets),
  })
  .strict();
export type UpdateActionBody = z.output<typeof UpdateActionBody>;

export const ActionIdParams = z.object({
  id: z.string().min(1).max(128).describe('The ID of the action'),
});

const page = z.coerce.number().int().min(0).default(0).describe('Use this field to request a specific page of the list results');
const perPage = z.coerce.number().int().min(1).max(100).default(20);

export const ListActionsQuery = z
  .object({
    triggerId: z.enum(TRIGGER_IDS).optional().describe('An actions extensibility point'),
    actionName: z.string().max(255).optional().describe('The name of the action to retrieve'),
    deployed: queryBoolean.optional().describe('Optional filter to only retrieve actions that are deployed'),
    page,
    per_page: perPage.describe('The maximum number of results to be returned by the server in single response. 20 by default'),
    installed: queryBoolean.optional().describe('Optional. When true, return only installed actions. When false, return only custom actions. Returns all actions by default'),
  })
  .strict();
export type ListActionsQuery = z.output<typeof ListActionsQuery>;

export const DeleteActionQuery = z
  .object({ force: queryBoolean.default(false).describe('Force action deletion detaching bindings') })
  .strict();

export const TriggerParams = z.object({
  triggerId: z.enum(TRIGGER_IDS).describe('An actions extensibility point'),
});

export const ListBindingsQuery = z
  .object({
    page,
    per_page: perPage.describe('The maximum number of results to be returned in a single request. 20 by default'),
  })
  .strict();

const bindingRef = z.object({
  type: z.enum(['binding_id', 'action_id', 'action_name']).describe('How the action is being referred to: `action_id` or `action_name`'),
  value: z.string().min(1).max(255).describe('The id or name of an action that is being bound to a trigger'),
});

export const UpdateBindingsBody = z
  .object({
    bindings: z
      .array(z.object({ ref: bindingRef, display_name: z.string().min(1).max(255).optional().describe('The name of the binding') }).strict())
      .max(20)
      .describe('The actions that will be bound to this trigger. The order in which they are included will be the order in which they are executed'),
  })
  .strict();
export type UpdateBindingsBody = z.output<typeof UpdateBindingsBody>;
