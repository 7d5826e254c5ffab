import { NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { RouteDef } from '#shared/http/routes';

/**
 * The app's templates as CloudFormation will see them (the root stack and its nested stacks), and
 * one flat view of every resource in which a nested stack's parameters are replaced by what the
 * root passes in and the root's reads of a nested stack's outputs by what they name. In the flat
 * view a route function's role is `{Fn::GetAtt: [<role in the root>, 'Arn']}` and an API route's
 * target names the integration in its group, so the checks read the deployed wiring, not CDK's.
 */
export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
}
export interface StackTemplate {
  /** The construct path: 'IdentityService', 'IdentityService/UsersRoutes'. */
  path: string;
  /** The nested stack's logical id in the root template (undefined for the root). */
  logicalId?: string;
  json: { Resources: Record<string, Resource>; Parameters?: Record<string, unknown>; Outputs?: Record<string, { Value: unknown }> };
}
export interface AppTemplates {
  templates: StackTemplate[];
  resources: Record<string, Resource>;
}

export function appTemplates(root: Stack): AppTemplates {
  const rootJson = Template.fromStack(root).toJSON() as StackTemplate['json'];
  const nested = root.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c));
  const templates: StackTemplate[] = [{ path: root.node.path, json: rootJson }];
  for (const stack of nested) {
    const logicalId = root.getLogicalId(stack.nestedStackResource!);
    templates.push({ path: stack.node.path, logicalId, json: Template.fromStack(stack).toJSON() as StackTemplate['json'] });
  }
  return { templates, resources: flatten(templates) };
}

/** Every resource of the app in one map, with the nested stacks' wiring resolved (see above). */
export function flatten(templates: readonly StackTemplate[]): Record<string, Resource> {
  const [root, ...nested] = templates;
  const byId = new Map(nested.map((t) => [t.logicalId!, t]));
  const out: Record<string, Resource> = {};
  const add = (id: string, resource: Resource, stack?: string) => {
    // Each template has its own metadata resource, under the same id.
    const key = resource.Type === 'AWS::CDK::Metadata' && stack ? `${stack}/${id}` : id;
    if (out[key]) throw new Error(`logical id ${key} appears in two templates`);
    out[key] = resource;
  };
  // The root's reads of nested outputs: {Fn::GetAtt: [nested, 'Outputs.X']} -> the output's value.
  const outputs = (node: unknown): unknown => {
    const att = (node as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
    if (att && byId.has(att[0]) && att[1].startsWith('Outputs.')) {
      const value = byId.get(att[0])!.json.Outputs?.[att[1].slice('Outputs.'.length)]?.Value;
      if (value === undefined) throw new Error(`no output ${att[1]} in ${att[0]}`);
      return value;
    }
    return undefined;
  };
  for (const [id, r] of Object.entries(root!.json.Resources)) add(id, substitute(r, outputs) as Resource);
  for (const t of nested) {
    const passed = (root!.json.Resources[t.logicalId!]?.Properties.Parameters ?? {}) as Record<string, unknown>;
    const params = (node: unknown): unknown => {
      const ref = (node as { Ref?: string })?.Ref;
      return typeof ref === 'string' && ref in passed ? passed[ref] : undefined;
    };
    for (const [id, r] of Object.entries(t.json.Resources)) add(id, substitute(r, params) as Resource, t.logicalId);
  }
  return out;
}

function substitute(node: unknown, replace: (node: unknown) => unknown): unknown {
  const replaced = replace(node);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(node)) return node.map((n) => substitute(n, replace));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v, replace)]));
}

/** CloudFormation's per-template quotas, and the project's budget under the first. */
export const QUOTAS = { resources: 450, outputs: 200, parameters: 200, bytes: 1_000_000 } as const;

/** Everything a read route's role may do in DynamoDB: an allow-list, so no write action slips by under a new name. */
const READ_ACTIONS = [
  'dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator',
];
/** API Gateway's 300 integrations per HTTP API, less the 50 kept for routes moving between groups. */
const API_ROUTE_BUDGET = 250;

/**
 * What the issue promises about the deployed templates, as a list of violations (empty: all hold):
 * every template within the budget, every route of the table with exactly one function and one API
 * route wired to it, and no route function's role allowing more table access than its route's `data`.
 * `extraResources` is what the CLI adds to each template (its AWS::CDK::Metadata resource).
 */
export function templateViolations(app: AppTemplates, table: readonly RouteDef[], extraResources = 1): string[] {
  const violations: string[] = [];
  for (const { path, json } of app.templates) {
    const count = Object.keys(json.Resources).length + extraResources;
    if (count > QUOTAS.resources) violations.push(`${path}: ${count} resources (budget ${QUOTAS.resources})`);
    const outputs = Object.keys(json.Outputs ?? {}).length;
    if (outputs > QUOTAS.outputs) violations.push(`${path}: ${outputs} outputs (quota ${QUOTAS.outputs})`);
    const parameters = Object.keys(json.Parameters ?? {}).length;
    if (parameters > QUOTAS.parameters) violations.push(`${path}: ${parameters} parameters (quota ${QUOTAS.parameters})`);
    const bytes = JSON.stringify(json).length;
    if (bytes > QUOTAS.bytes) violations.push(`${path}: ${bytes} bytes (quota ${QUOTAS.bytes})`);
  }
  const resources = Object.entries(app.resources);
  for (const route of table) {
    const key = `${route.method} ${route.path}`;
    const fns = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === key);
    const apiRoutes = resources.filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === key);
    if (fns.length !== 1) violations.push(`${route.id}: ${fns.length} functions for ${key}`);
    if (apiRoutes.length !== 1) violations.push(`${route.id}: ${apiRoutes.length} API routes for ${key}`);
    if (fns.length !== 1 || apiRoutes.length !== 1) continue;
    const [fnId, fn] = fns[0]!;
    const target = apiRoutes[0]![1].Properties.Target as { 'Fn::Join'?: [string, [string, { Ref?: string }]] };
    const integration = app.resources[target['Fn::Join']?.[1][1].Ref ?? ''];
    const uri = (integration?.Properties.IntegrationUri as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
    if (uri !== fnId) violations.push(`${route.id}: its API route does not reach its function`);
    const api = (apiRoutes[0]![1].Properties.ApiId as { Ref?: string }).Ref;
    const permissions = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Permission' && (r.Properties.FunctionName as { 'Fn::GetAtt'?: string[] })?.['Fn::GetAtt']?.[0] === fnId);
    const invokable = permissions.length === 1 && invokesFromApi(permissions[0]![1], api, route.path);
    if (!invokable) violations.push(`${route.id}: its function is not invokable by exactly its API route (${permissions.length} permissions)`);
    const actions = roleActions(app.resources, fn);
    if (route.data === 'read') {
      const beyond = actions.filter((a) => a.startsWith('dynamodb:') && !READ_ACTIONS.includes(a));
      if (beyond.length > 0) violations.push(`${route.id}: a read route whose role allows ${beyond.join(', ')}`);
    }
  }
  const integrations = resources.filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration').length;
  if (integrations > API_ROUTE_BUDGET) violations.push(`${integrations} integrations on one HTTP API (budget ${API_ROUTE_BUDGET}; API Gateway allows 300)`);
  return violations;
}

/** API Gateway, from this API only, for this path: a SourceArn of execute-api on the API, any stage and method, then the path. */
function invokesFromApi(permission: Resource, api: string | undefined, path: string): boolean {
  const p = permission.Properties;
  if (p.Action !== 'lambda:InvokeFunction' || p.Principal !== 'apigateway.amazonaws.com') return false;
  const parts = (p.SourceArn as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join']?.[1] ?? [];
  const last = parts.at(-1);
  const apiRef = parts.at(-2) as { Ref?: string } | undefined;
  return api !== undefined && apiRef?.Ref === api && last === `/*/*${path}` && JSON.stringify(parts).includes(':execute-api:');
}

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
}

/** Every action Allowed to the function's role (its attached and inline policies). */
export function roleActions(resources: Record<string, Resource>, fn: Resource): string[] {
  const role = (fn.Properties.Role as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];
  const attached = Object.values(resources)
    .filter((p) => p.Type === 'AWS::IAM::Policy' && (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .map((p) => p.Properties.PolicyDocument as { Statement: Statement[] });
  const inline = ((resources[role ?? '']?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).map((p) => p.PolicyDocument);
  return [...attached, ...inline]
    .flatMap((doc) => doc.Statement)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (s.Action === undefined ? [] : [s.Action].flat()));
}
