// A namespace import lets esbuild drop what is unused (zod's locales alone are 264 KB).
import * as z from 'zod';
import { queryBoolean } from '#shared/platform/query-schemas';
import { RULE_FIELDS } from '#shared/management/rules/model';

/**
 * Request shapes for /api/v2/rules and /api/v2/rules-configs, with the patterns, bounds and field
 * descriptions of Auth0's Management API spec (they appear in validation messages).
 */

/** z-schema's wording for a pattern mismatch, which zod's regex check would not produce. */
const matching = (base: z.ZodString, pattern: RegExp) =>
  base.refine((v) => pattern.test(v), { error: (i) => `String does not match pattern ${pattern.source}: ${String(i.input)}` });

/** Auth0's rule name pattern: alphanumerics, spaces and '-', neither first nor last a space or '-'. */
export const RULE_NAME_PATTERN = /^[a-zA-Z0-9]([ \-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** Auth0 recommends at most 100 kB of rules; one rule above that is refused (and keeps items far below 400 KB). */
export const MAX_SCRIPT_BYTES = 100 * 1024;

const ruleName = matching(z.string().max(255), RULE_NAME_PATTERN);
const script = z
  .string()
  .min(1)
  .refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_SCRIPT_BYTES, {
    error: (i) => `Script is larger than ${MAX_SCRIPT_BYTES} bytes (${Buffer.byteLength(String(i.input), 'utf8')} bytes)`,
  });
// DynamoDB numbers stop near 1e126; a bound keeps `max + 1` exact as well.
const order = z.number().min(0).max(Number.MAX_SAFE_INTEGER - 1);

const descriptions = {
  name: 'Name of this rule',
  script: 'Code to be executed when this rule runs',
  order: 'Order that this rule should execute in relative to other rules. Lower-valued rules execute first',
  enabled: 'Whether the rule is enabled (true), or disabled (false)',
};

export const CreateRuleBody = z
  .object({
    name: ruleName.describe(descriptions.name),
    script: script.describe(descriptions.script),
    order: order.optional().describe(descriptions.order),
    enabled: z.boolean().optional().describe(descriptions.enabled),
  })
  .strict();
export type CreateRuleBody = z.output<typeof CreateRuleBody>;

export const UpdateRuleBody = z
  .object({
    script: script.optional().describe(descriptions.script),
    name: ruleName.optional().describe(descriptions.name),
    order: order.optional().describe(descriptions.order),
    enabled: z.boolean().optional().describe(descriptions.enabled),
  })
  .strict();
export type UpdateRuleBody = z.output<typeof UpdateRuleBody>;

export const RuleIdParams = z.object({
  id: z.string().min(1).max(128).describe('ID of the rule to retrieve'),
});

const fieldsPattern = new RegExp(`^((${RULE_FIELDS.join('|')})(,(${RULE_FIELDS.join('|')}))*)?$`);
const fields = z
  .string()
  .refine((v) => fieldsPattern.test(v), {
    error: (i) => `String '${String(i.input)}' does not match pattern. Must be a comma separated list of the following values: ${RULE_FIELDS.join(',')}`,
  })
  .transform((v) => v.split(',').filter(Boolean));

export const GetRuleQuery = z
  .object({
    fields: fields.optional().describe('Comma-separated list of fields to include or exclude (based on value provided for include_fields) in the result. Leave empty to retrieve all fields'),
    include_fields: queryBoolean.default(true).describe('Whether specified fields are to be included (true) or excluded (false)'),
  })
  .strict();

export const ListRulesQuery = GetRuleQuery.extend({
  page: z.coerce.number().int().min(0).optional().describe('Page index of the results to return. First page is 0'),
  per_page: z.coerce.number().int().min(1).max(100).optional().describe('Number of results per page'),
  include_totals: queryBoolean.default(false).describe('Return results inside an object that contains the total result count (true) or as a direct array of results (false, default)'),
  enabled: queryBoolean.optional().describe('Optional filter on whether a rule is enabled (true) or disabled (false)'),
}).strict();
export type ListRulesQuery = z.output<typeof ListRulesQuery>;

/** Auth0's rules-config key: 1 to 127 characters of `A-Za-z0-9_-@*+:`. */
export const RULES_CONFIG_KEY_PATTERN = /^[A-Za-z0-9_\-@*+:]*$/;

export const RulesConfigKeyParams = z.object({
  key: matching(z.string().min(1).max(127), RULES_CONFIG_KEY_PATTERN).describe('Key of the rules config variable to set (max length: 127 characters)'),
});

/** Values reach every login's sandbox; 32,768 characters holds any PEM key or token with room to spare. */
export const PutRulesConfigBody = z
  .object({
    value: z.string().min(1).max(32_768).describe('Value for a rules config variable'),
  })
  .strict();
