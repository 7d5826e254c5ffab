import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessProfileOf } from '#infra/access-profiles';
import { EdgeFirewallStack } from '#infra/edge-firewall';
import { IdentityStack } from '#infra/stack';
import { tableDefinition } from '#shared/db/table';
import { routes, type RouteDef } from '#shared/http/routes';
import { pascal } from '#infra/lambda';
import { resourceCounts } from '#infra/resource-budget';
import { runnerNetworkFromContext, type RunnerNetwork } from '#infra/runner-network';
import { groupRoutes } from '#infra/route-groups';
import { appTemplates, templateViolations, type AppTemplates, type Resource } from './templates';

/**
 * Synthesizes the real stack in-process, bundling every function with local esbuild (no Docker,
 * no network, no DynamoDB), and asserts what the architecture promises about it.
 */
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: unknown;
}

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const ROUTES: readonly RouteDef[] = routes;
// The same feature flags as `cdk synth`, so the test asserts the template the CLI deploys.
const cdkContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
}).context;

let app: App;
let stack: IdentityStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  app = new App({ context: cdkContext });
  stack = new IdentityStack(app, 'IdentityService');
  // The root template (table, API, routes, roles, key); `resources` also holds the nested stacks'.
  template = Template.fromStack(stack);
  resources = appTemplates(stack).resources;
  // Bundling 81 functions takes 2.5 minutes alone, over 7 on a 2-core machine running other tests.
}, 900_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** How many resources of this type the app deploys, in all its templates. */
const expectCount = (type: string, count: number) => expect(ofType(type), type).toHaveLength(count);
const actionsOf = (s: Statement) => (s.Action === undefined ? [] : [s.Action].flat());

function functionOf(route: RouteDef): { id: string; props: Record<string, unknown> } {
  const fn = stack.functions.get(route.id);
  if (!fn) throw new Error(`no function for route ${route.id}`);
  return resourceOf(fn);
}

function resourceOf(fn: NodejsFunction): { id: string; props: Record<string, unknown> } {
  const id = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction);
  const resource = resources[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return { id, props: resource.Properties };
}

/** Every statement Allowed to the function's role, from its attached and inline policies. */
function allowedStatements(fn: { props: Record<string, unknown> }): Statement[] {
  const role = (fn.props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const attached = ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
    .map(([, p]) => p.Properties.PolicyDocument as { Statement: Statement[] });
  const inline = ((resources[role]?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[])
    .map((p) => p.PolicyDocument);
  return [...attached, ...inline].flatMap((doc) => doc.Statement).filter((s) => s.Effect === 'Allow');
}

/** Every action Allowed to the function's role, from its attached and inline policies. */
function allowedActions(route: RouteDef): string[] {
  return allowedStatements(functionOf(route)).flatMap(actionsOf);
}

/** The function's bundle directory in the cloud assembly. */
function assetDirOf(fn: { props: Record<string, unknown> }): string {
  const code = fn.props.Code as { S3Key: string };
  return join(app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

/** Every IAM statement anywhere in the template (policies, roles, bucket policies...). */
function allStatements(node: unknown): Statement[] {
  if (Array.isArray(node)) return node.flatMap(allStatements);
  if (typeof node !== 'object' || node === null) return [];
  const own = 'Statement' in node && Array.isArray(node.Statement) ? (node.Statement as Statement[]) : [];
  return [...own, ...Object.values(node).flatMap(allStatements)];
}

describe('IdentityStack', () => {
  it('builds exactly one Lambda function per route, plus the rules runner and the jobs function (and no CDK helper functions)', () => {
    expectCount('AWS::Lambda::Function', ROUTES.length + 2);
    const ids = new Set([...ROUTES.map((r) => functionOf(r).id), resourceOf(stack.rulesRunner).id, resourceOf(stack.jobs).id]);
    expect(ids.size).toBe(ROUTES.length + 2);
  });

  it('runs every function on nodejs22.x, x86_64, 10 s (29 s for logins), with memory by password hashing', () => {
    for (const route of ROUTES) {
      expect(functionOf(route).props, route.id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['x86_64'],
        Timeout: route.runsExtensions ? 29 : 10,
        Handler: 'index.handler',
        MemorySize: route.hashesPasswords ? 1769 : 512,
      });
    }
  });

  it('gives every function the table name and an issuer ending in "/"', () => {
    const tableId = template.getResourceId('AWS::DynamoDB::Table');
    for (const route of ROUTES) {
      const env = (functionOf(route).props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.TABLE_NAME).toEqual({ Ref: tableId });
      expect(env.ISSUER).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.any(String), 'ApiEndpoint'] }, '/']] });
    }
  });

  it('routes each `METHOD path` to the function built for that route', () => {
    expectCount('AWS::ApiGatewayV2::Route', ROUTES.length);
    const byKey = new Map(ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties]));
    for (const route of ROUTES) {
      type Target = { 'Fn::Join': [string, [string, { Ref: string }]] };
      const target = byKey.get(`${route.method} ${route.path}`)?.Target as Target;
      expect(target, route.id).toBeDefined();
      const integration = resources[target['Fn::Join'][1][1].Ref]?.Properties;
      expect(integration?.PayloadFormatVersion).toBe('2.0');
      expect(integration?.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionOf(route).id, 'Arn'] });
    }
  });

  it('creates the table from the table definition, with TTL and point-in-time recovery', () => {
    const { partitionKey, sortKey, ttlAttribute } = tableDefinition;
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  it('shares one role per access profile: a route function holds its profile role, and every function of a role has that profile', () => {
    const profiles = new Set(ROUTES.map((r) => accessProfileOf(r).id));
    expect([...stack.roles.keys()].sort()).toEqual([...profiles].sort());
    // The profiles' roles, the rules runner's and the jobs function's: no other role in the template.
    expectCount('AWS::IAM::Role', profiles.size + 2);
    expectCount('AWS::IAM::Policy', profiles.size + 1); // the rules runner has no policy of its own
    for (const route of ROUTES) {
      const role = stack.roles.get(accessProfileOf(route).id)!.role;
      const roleId = stack.getLogicalId(role.node.defaultChild as CfnRole);
      expect(functionOf(route).props.Role, route.id).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    }
    // A function waits for its role's policy, so it never runs before its grants exist: the nested
    // stack that holds it depends on that policy in the root.
    for (const route of ROUTES) {
      const holder = stack.getLogicalId(Stack.of(stack.functions.get(route.id)!).nestedStackResource!);
      const policyId = stack.getLogicalId(stack.roles.get(accessProfileOf(route).id)!.role.node.findChild('DefaultPolicy').node.defaultChild as CfnPolicy);
      expect(resources[holder]?.DependsOn, route.id).toContain(policyId);
    }
  });

  it("gives the tenant's routes (issue 10) the profiles their table access and jobs call for", () => {
    const tenant = ROUTES.filter((r) => /^(clients|resource-servers|client-grants|connections|signing-keys)-/.test(r.id));
    expect(tenant).toHaveLength(27);
    for (const route of tenant) {
      const special: Record<string, string> = {
        'connections-delete': 'table-write-jobs',
        'signing-keys-rotate': 'table-write-kms-create',
        'signing-keys-revoke': 'table-write-kms-retire',
      };
      const expected = route.method === 'GET' ? 'table-read' : (special[route.id] ?? 'table-write');
      expect(accessProfileOf(route).id, route.id).toBe(expected);
    }
    // Auth0's revoke is a PUT, the first PUT of a tenant route; it is routed like the others.
    const byKey = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(byKey).toContain('PUT /api/v2/keys/signing/{kid}/revoke');
  });

  it('grants read-only routes no table writes, and write routes the writes', () => {
    for (const route of ROUTES) {
      const actions = allowedActions(route);
      expect(actions, route.id).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      if (route.data === 'read') for (const write of WRITE_ACTIONS) expect(actions, route.id).not.toContain(write);
      else expect(actions, route.id).toEqual(expect.arrayContaining(WRITE_ACTIONS));
    }
  });

  it('allows no wildcard action anywhere (Deny statements, such as enforceSSL, may use one)', () => {
    const allowed = allStatements(resources).filter((s) => s.Effect === 'Allow').flatMap(actionsOf);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });

  it('keeps a private, encrypted, TLS-only job files bucket that no function can use yet', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        },
      },
    });
    for (const route of ROUTES) expect(allowedActions(route).filter((a) => a.startsWith('s3:')), route.id).toEqual([]);
  });

  it('ships the argon2 addon and its Linux x64 binary with the hashing functions only', () => {
    for (const route of ROUTES) {
      const assetDir = assetDirOf(functionOf(route));
      expect(existsSync(join(assetDir, 'index.mjs')), route.id).toBe(true);
      const shipped = existsSync(join(assetDir, 'node_modules'));
      expect(shipped, route.id).toBe(route.hashesPasswords === true);
      if (!shipped) continue;
      const binary = join(assetDir, 'node_modules/@node-rs/argon2-linux-x64-gnu/argon2.linux-x64-gnu.node');
      expect(existsSync(binary), route.id).toBe(true);
      // Resolved from inside the bundle, the way the Lambda runtime will resolve it.
      const argon2 = createRequire(join(assetDir, 'index.mjs'))('@node-rs/argon2') as { hash?: unknown };
      expect(typeof argon2.hash).toBe('function');
    }
  });

  it('throttles the whole API at its default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
  });

  it('outputs the API URL, table name and issuer', () => {
    for (const name of ['ApiUrl', 'TableName', 'Issuer']) template.hasOutput(name, {});
  });

  it('uses a custom issuer, and refuses one that is not an https URL ending in "/"', () => {
    // Skipping bundling keeps this second synth fast; only the template matters here.
    const quick = () => new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
    const custom = new IdentityStack(quick(), 'Custom', { issuer: 'https://id.example.com/' });
    Template.fromStack(custom).hasOutput('Issuer', { Value: 'https://id.example.com/' });
    for (const issuer of ['https://id.example.com', 'http://id.example.com/', 'id.example.com/']) {
      expect(() => new IdentityStack(quick(), 'Bad', { issuer }), issuer).toThrow(/issuer must/);
    }
  });
});

describe('IdentityStack: the rules runner', () => {
  const runner = () => resourceOf(stack.rulesRunner);
  const runnerRoutes = () => ROUTES.filter((r) => r.runsExtensions === true);

  it('runs on nodejs22.x with the memory and the timeout the login budget needs', () => {
    expect(runner().props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 30,
      Handler: 'index.handler',
      MemorySize: 1024,
    });
  });

  it('has no DynamoDB permission at all and no TABLE_NAME (nor any other environment)', () => {
    const actions = allowedStatements(runner()).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    expect(actions.filter((a) => !a.startsWith('logs:'))).toEqual([]);
    // Beyond its own policies, only the managed policy that lets it write its logs.
    const role = (runner().props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const managed = resources[role]?.Properties.ManagedPolicyArns as unknown[];
    expect(managed).toHaveLength(1);
    expect(JSON.stringify(managed)).toContain(':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    expect(runner().props.Environment).toBeUndefined();
  });

  it('can be invoked only by the routes that run logins, which get its name', () => {
    // Logins (token grants, the hosted form, SSO at /authorize) and signups (pre-user-registration).
    // And a custom database's scripts: Lock's /co/authenticate, the users' create, PATCH and DELETE.
    expect(runnerRoutes().map((r) => r.id)).toEqual([
      'oauth-token', 'signup', 'authorize', 'login-submit', 'co-authenticate', 'co-verify', 'users-create', 'users-update', 'users-delete',
    ]);
    const runnerArn = { 'Fn::GetAtt': [runner().id, 'Arn'] };
    for (const route of ROUTES) {
      const invokes = allowedStatements(functionOf(route))
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .filter((s) => JSON.stringify(s.Resource).includes(runner().id));
      const env = (functionOf(route).props.Environment as { Variables: Record<string, unknown> }).Variables;
      if (route.runsExtensions) {
        expect(invokes.flatMap((s) => [s.Resource].flat()), route.id).toContainEqual(runnerArn);
        expect(env.RULES_RUNNER_FUNCTION_NAME, route.id).toEqual({ Ref: runner().id });
      } else {
        expect(invokes, route.id).toEqual([]);
        expect(env.RULES_RUNNER_FUNCTION_NAME, route.id).toBeUndefined();
      }
    }
  });

  it('is bundled without the DynamoDB client, the table code or the signing keys, with bcryptjs inlined for custom database scripts', () => {
    const assetDir = assetDirOf(runner());
    const { sources } = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(sources.some((s) => s.includes('quickjs'))).toBe(true);
    // Pure JS, so esbuild inlines it: no node_modules beside the bundle (below), no native binary.
    expect(sources.some((s) => s.includes('node_modules/bcryptjs/'))).toBe(true);
    expect(sources.filter((s) => /@aws-sdk\/client-dynamodb|@aws-sdk\/lib-dynamodb|shared\/db\/|shared\/tokens\/|shared\/config/.test(s))).toEqual([]);
    expect(readFileSync(join(assetDir, 'index.mjs'), 'utf8')).not.toContain('@aws-sdk/client-dynamodb');
    expect(existsSync(join(assetDir, 'node_modules'))).toBe(false);
  });
});

describe("IdentityStack: the rules runner's network (custom databases)", () => {
  const SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'];
  const GROUPS = ['sg-0123456789abcdef0'];
  const quick = () => new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const synth = (runnerNetwork?: RunnerNetwork) => new IdentityStack(quick(), 'IdentityService', runnerNetwork ? { runnerNetwork } : {});
  const runnerOf = (s: IdentityStack) => {
    const res = appTemplates(s).resources;
    const id = Stack.of(s.rulesRunner).getLogicalId(s.rulesRunner.node.defaultChild as CfnFunction);
    return { resources: res, props: res[id]!.Properties };
  };
  const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];

  let inVpc: IdentityStack;
  beforeAll(() => {
    inVpc = synth({ vpc: { subnetIds: SUBNETS, securityGroupIds: GROUPS }, allowHosts: 'legacy-db.internal:443, 10.20.0.0/16' });
  });

  it('places the runner in the given subnets and security groups, with only the managed policy Lambda needs for its interfaces', () => {
    const { resources: res, props } = runnerOf(inVpc);
    expect(props.VpcConfig).toEqual({ SubnetIds: SUBNETS, SecurityGroupIds: GROUPS });
    const role = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const managed = JSON.stringify(res[role]?.Properties.ManagedPolicyArns);
    expect(managed).toContain(':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    expect(managed).toContain(':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole');
    expect(res[role]?.Properties.ManagedPolicyArns).toHaveLength(2);
    // Still no policy of its own: no table, no key, no invoke.
    const own = Object.values(res).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(role));
    expect(own).toEqual([]);
  });

  it('gives the runner EXTENSIONS_ALLOW_HOSTS as its only environment variable, and no route function gets it', () => {
    const { resources: res, props } = runnerOf(inVpc);
    expect(props.Environment).toEqual({ Variables: { EXTENSIONS_ALLOW_HOSTS: 'legacy-db.internal:443, 10.20.0.0/16' } });
    for (const fn of Object.values(res).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties !== props)) {
      const vars = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect(vars.EXTENSIONS_ALLOW_HOSTS, String(fn.Properties.Description)).toBeUndefined();
      expect(fn.Properties.VpcConfig, String(fn.Properties.Description)).toBeUndefined();
    }
  });

  it('leaves the runner out of any VPC and without environment when no option is given', () => {
    const { props } = runnerOf(synth());
    expect(props.VpcConfig).toBeUndefined();
    expect(props.Environment).toBeUndefined();
  });

  it('sets the allow-list without a VPC, with a synth warning that the runner cannot reach a private network', () => {
    const s = synth({ allowHosts: '10.20.0.0/16' });
    expect(runnerOf(s).props.Environment).toEqual({ Variables: { EXTENSIONS_ALLOW_HOSTS: '10.20.0.0/16' } });
    const warnings = Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('cannot reach a private network'));
    expect(warnings).toHaveLength(1);
    expect(Annotations.fromStack(inVpc).findWarning('*', Match.stringLikeRegexp('cannot reach a private network'))).toEqual([]);
  });

  it('reads the options from cdk context: comma-separated strings (as -c gives them) or lists (cdk.json)', () => {
    expect(runnerNetworkFromContext(contextOf({}))).toEqual({});
    expect(
      runnerNetworkFromContext(contextOf({ runnerSubnetIds: ` ${SUBNETS.join(' , ')} `, runnerSecurityGroupIds: GROUPS[0], extensionsAllowHosts: '10.1.2.3:5432' })),
    ).toEqual({ vpc: { subnetIds: SUBNETS, securityGroupIds: GROUPS }, allowHosts: '10.1.2.3:5432' });
    expect(runnerNetworkFromContext(contextOf({ runnerSubnetIds: SUBNETS, runnerSecurityGroupIds: GROUPS }))).toEqual({
      vpc: { subnetIds: SUBNETS, securityGroupIds: GROUPS },
    });
    // Blank entries only: no exceptions, as the runner reads an empty EXTENSIONS_ALLOW_HOSTS.
    expect(runnerNetworkFromContext(contextOf({ extensionsAllowHosts: ' , ' }))).toEqual({});
    // Short (8-hex) ids are still valid in older accounts.
    expect(runnerNetworkFromContext(contextOf({ runnerSubnetIds: 'subnet-0123abcd', runnerSecurityGroupIds: 'sg-0123abcd' })).vpc).toBeDefined();
  });

  it('fails synth on a bad option, with the reason, before anything is deployed', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ runnerSubnetIds: SUBNETS.join(',') }, /go together/],
      [{ runnerSecurityGroupIds: GROUPS.join(',') }, /go together/],
      [{ runnerSubnetIds: 'subnet-xyz', runnerSecurityGroupIds: GROUPS[0] }, /"subnet-xyz" is not an id like subnet-/],
      [{ runnerSubnetIds: SUBNETS[0], runnerSecurityGroupIds: 'sg-12345678;rm -rf' }, /is not an id like sg-/],
      [{ runnerSubnetIds: `${SUBNETS[0]},${SUBNETS[0]}`, runnerSecurityGroupIds: GROUPS[0] }, /names an id twice/],
      [{ runnerSubnetIds: ' , ', runnerSecurityGroupIds: GROUPS[0] }, /"runnerSubnetIds" is empty/],
      [{ runnerSubnetIds: 42, runnerSecurityGroupIds: GROUPS[0] }, /must be a comma-separated string/],
      [{ runnerSubnetIds: SUBNETS[0], runnerSecurityGroupIds: Array.from({ length: 6 }, (_, i) => `sg-0123456${i}`).join(',') }, /at most 5/],
      [{ extensionsAllowHosts: '169.254.0.0/16' }, /extensionsAllowHosts.*cloud metadata address/],
      [{ extensionsAllowHosts: '0.0.0.0/0' }, /cloud metadata address/],
      [{ extensionsAllowHosts: 'legacy db' }, /"legacy db" is not a host/],
      [{ extensionsAllowHosts: 'legacy-db.internal:99999' }, /is not a host/],
      [{ extensionsAllowHosts: { host: 'x' } }, /must be a comma-separated string/],
    ];
    for (const [values, message] of bad) expect(() => runnerNetworkFromContext(contextOf(values)), JSON.stringify(values)).toThrow(message);
    // Props given in code are checked the same way.
    expect(() => synth({ vpc: { subnetIds: [], securityGroupIds: GROUPS } })).toThrow(/"runnerSubnetIds" is empty/);
    expect(() => synth({ allowHosts: 'fd00:ec2::254' })).toThrow(/cloud metadata address/);
  });

  it('lets every route that may run a custom database script invoke the runner, with the 29 s timeout its 20 s budget needs', () => {
    // Logins (password grant, hosted login, Lock), signups, and the Management API's user create, PATCH and DELETE.
    const runners = ROUTES.filter((r) => r.runsExtensions === true).map((r) => r.id);
    expect(runners).toEqual(expect.arrayContaining(['oauth-token', 'signup', 'login-submit', 'co-authenticate', 'users-create', 'users-update', 'users-delete']));
    const json = Template.fromStack(inVpc.groups.get('users')!).toJSON() as { Resources: Record<string, Resource> };
    const timeouts = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => [r.Properties.Description, r.Properties.Timeout]);
    expect(timeouts).toEqual(expect.arrayContaining([['POST /api/v2/users', 29], ['PATCH /api/v2/users/{id}', 29], ['DELETE /api/v2/users/{id}', 29]]));
  });
});

describe('IdentityStack: the jobs function', () => {
  const jobs = () => resourceOf(stack.jobs);
  const jobRoutes = () => ROUTES.filter((r) => r.launchesJobs === true);
  const jobsName = () => jobs().props.FunctionName as string;
  const envOf = (fn: { props: Record<string, unknown> }) => (fn.props.Environment as { Variables: Record<string, unknown> }).Variables;

  it("runs on nodejs22.x for Lambda's longest timeout, under a fixed name", () => {
    expect(jobs().props).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 900, Handler: 'index.handler', MemorySize: 512 });
    expect(jobsName()).toBe('IdentityService-jobs');
  });

  it('reads and writes the table, knows the issuer, and names itself to continue a job', () => {
    const env = envOf(jobs());
    expect(env.TABLE_NAME).toEqual({ Ref: template.getResourceId('AWS::DynamoDB::Table') });
    expect(env.ISSUER).toBeDefined();
    expect(env.JOBS_FUNCTION_NAME).toBe(jobsName());
    const actions = allowedStatements(jobs()).flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', ...WRITE_ACTIONS]));
  });

  it('may invoke itself, by an ARN built from its name (no circular reference)', () => {
    const invokes = allowedStatements(jobs()).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invokes).toHaveLength(1);
    const resource = JSON.stringify(invokes[0]?.Resource);
    expect(resource).toContain(`:function:${jobsName()}`);
    expect(resource).not.toContain(jobs().id);
  });

  it('can be invoked by the routes that start jobs, which get its name, and by no other route', () => {
    expect(jobRoutes().map((r) => r.id)).toEqual(['search-indexes-create', 'search-indexes-delete', 'connections-delete']);
    const jobsArn = { 'Fn::GetAtt': [jobs().id, 'Arn'] };
    for (const route of ROUTES) {
      const invokes = allowedStatements(functionOf(route))
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .filter((s) => JSON.stringify(s.Resource).includes(jobs().id));
      const env = envOf(functionOf(route));
      if (route.launchesJobs) {
        expect(invokes.flatMap((s) => [s.Resource].flat()), route.id).toContainEqual(jobsArn);
        expect(env.JOBS_FUNCTION_NAME, route.id).toEqual({ Ref: jobs().id });
      } else {
        expect(invokes, route.id).toEqual([]);
        expect(env.JOBS_FUNCTION_NAME, route.id).toBeUndefined();
      }
    }
  });

  it('is bundled without the password hashing addon or the rules sandbox', () => {
    const assetDir = assetDirOf(jobs());
    const { sources } = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
    expect(sources.some((s) => s.includes('shared/management/jobs/run'))).toBe(true);
    expect(sources.filter((s) => /argon2|quickjs|shared\/passwords\//.test(s))).toEqual([]);
    expect(existsSync(join(assetDir, 'node_modules'))).toBe(false);
  });
});

describe('IdentityStack: the signing key (KMS)', () => {
  interface KeyStatement extends Statement {
    Principal?: { AWS?: unknown };
    Condition?: Record<string, Record<string, unknown>>;
  }
  const keyId = () => template.getResourceId('AWS::KMS::Key');
  const keyPolicy = () => (resources[keyId()]?.Properties.KeyPolicy as { Statement: KeyStatement[] }).Statement;
  const tokenRoutes = () => ROUTES.filter((r) => r.issuesTokens === true);
  const roleOf = (fn: { props: Record<string, unknown> }) => (fn.props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const everyFunction = () => [...ROUTES.map(functionOf), resourceOf(stack.rulesRunner), resourceOf(stack.jobs)];
  const signs = (s: Statement) => actionsOf(s).some((a) => a === 'kms:Sign' || a === 'kms:*' || a === '*');
  const runnerOf = () => resourceOf(stack.rulesRunner);

  it('is one RSA_2048 SIGN_VERIFY key, kept when the stack is deleted or the key replaced', () => {
    expectCount('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
    });
  });

  it('is handed, by ARN, to the token-issuing functions only (every function that signs: /oauth/token, and /authorize and the hosted form for implicit answers)', () => {
    expect(tokenRoutes().map((r) => r.id)).toEqual(['oauth-token', 'authorize', 'login-submit', 'co-verify']);
    const keyArn = { 'Fn::GetAtt': [keyId(), 'Arn'] };
    for (const fn of everyFunction()) {
      const env = (fn.props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      const issues = tokenRoutes().some((r) => functionOf(r).id === fn.id);
      if (issues) expect(env.SIGNING_KEY_KMS_ID, fn.id).toEqual(keyArn);
      else expect(env.SIGNING_KEY_KMS_ID, fn.id).toBeUndefined();
    }
  });

  const TAG = 'identity-service:signing-key';
  const tagged = { [`aws:ResourceTag/${TAG}`]: 'IdentityService' };
  const RS256 = { 'kms:SigningAlgorithm': 'RSASSA_PKCS1_V1_5_SHA_256' };
  const route = (id: string) => ROUTES.find((r) => r.id === id)!;
  const kmsStatementsOf = (fn: { props: Record<string, unknown> }) =>
    (allowedStatements(fn) as KeyStatement[]).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
  const accountKeys = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':key/*']] };

  it("lets the token functions sign the stack's key through its key policy, with RS256 only", () => {
    const inKeyPolicy = keyPolicy().filter(signs);
    expect(inKeyPolicy).toHaveLength(1);
    const [statement] = inKeyPolicy;
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'kms:Sign', Resource: '*' });
    expect(statement?.Condition).toEqual({ StringEquals: RS256 });
    const principals = [statement?.Principal?.AWS].flat();
    // The token functions share one role (their access profile); no other role is named.
    const tokenRoles = [...new Set(tokenRoutes().map((r) => roleOf(functionOf(r))))].map((role) => ({ 'Fn::GetAtt': [role, 'Arn'] }));
    expect(principals).toEqual(tokenRoles);
    for (const fn of everyFunction().filter((f) => !tokenRoutes().some((r) => functionOf(r).id === f.id))) {
      expect(tokenRoles, fn.id).not.toContainEqual({ 'Fn::GetAtt': [roleOf(fn), 'Arn'] });
    }
  });

  it('grants KMS in IAM to three roles only: the token role signs tagged keys, rotation makes them, revocation deletes them', () => {
    const token = functionOf(route('oauth-token'));
    const rotate = functionOf(route('signing-keys-rotate'));
    const revoke = functionOf(route('signing-keys-revoke'));
    const holders = [token, rotate, revoke].map(roleOf);
    expect(new Set(holders).size).toBe(3);
    const signTagged = { Effect: 'Allow', Action: 'kms:Sign', Resource: accountKeys, Condition: { StringEquals: { ...tagged, ...RS256 } } };
    expect(kmsStatementsOf(token)).toEqual([expect.objectContaining(signTagged)]);
    const onlyOurTag = { StringEquals: { [`aws:RequestTag/${TAG}`]: 'IdentityService' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG] } };
    expect(kmsStatementsOf(rotate)).toEqual([
      expect.objectContaining({
        Action: 'kms:CreateKey',
        Resource: '*',
        Condition: {
          ...onlyOurTag,
          StringEquals: { ...onlyOurTag.StringEquals, 'kms:KeySpec': 'RSA_2048', 'kms:KeyUsage': 'SIGN_VERIFY', 'kms:KeyOrigin': 'AWS_KMS' },
          Bool: { 'kms:MultiRegion': 'false' },
        },
      }),
      expect.objectContaining({ Action: 'kms:TagResource', Resource: '*', Condition: onlyOurTag }),
      expect.objectContaining({ Action: 'kms:GetPublicKey', Resource: accountKeys, Condition: { StringEquals: tagged } }),
      expect.objectContaining(signTagged),
    ]);
    expect(kmsStatementsOf(revoke)).toEqual([
      expect.objectContaining({ Action: 'kms:ScheduleKeyDeletion', Resource: accountKeys, Condition: { StringEquals: tagged } }),
    ]);
    // Every IAM statement naming a KMS action is one of those, each held to the stack's tag.
    const iamKms = ofType('AWS::IAM::Policy')
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: KeyStatement[] }).Statement)
      .filter((st) => actionsOf(st).some((a) => a.startsWith('kms:')));
    expect(iamKms).toHaveLength(6);
    for (const st of iamKms) expect(JSON.stringify(st.Condition)).toContain(`/${TAG}":"IdentityService"`);
    // Every other role (the other routes, read routes included, the rules runner, the jobs function): none.
    for (const fn of everyFunction().filter((f) => !holders.includes(roleOf(f)))) expect(kmsStatementsOf(fn), fn.id).toEqual([]);
    expect(kmsStatementsOf(runnerOf())).toEqual([]);
  });

  it('names the tag value (the stack name) to the rotate and revoke functions only', () => {
    for (const fn of everyFunction()) {
      const env = (fn.props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      const holds = ['signing-keys-rotate', 'signing-keys-revoke'].some((id) => functionOf(route(id)).id === fn.id);
      expect(env.SIGNING_KEY_KMS_TAG, fn.id).toBe(holds ? 'IdentityService' : undefined);
    }
  });

  it("keeps the account root to administration and the public key: no Sign, no CreateGrant, no wildcard", () => {
    const others = keyPolicy().filter((s) => !signs(s));
    expect(others).toHaveLength(1);
    const [root] = others;
    expect(root?.Effect).toBe('Allow');
    expect(JSON.stringify(root?.Principal)).toContain(':root');
    const actions = actionsOf(root!);
    expect(actions).toEqual(expect.arrayContaining(['kms:GetPublicKey', 'kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']));
    for (const forbidden of ['kms:Sign', 'kms:CreateGrant', 'kms:*', '*']) expect(actions).not.toContain(forbidden);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    // Deny statements aside, no principal anywhere is "*" (anyone).
    expect(keyPolicy().filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('"*"'))).toEqual([]);
  });

  it('outputs the key ARN for the seed (which registers its public key)', () => {
    template.hasOutput('SigningKeyId', { Value: { 'Fn::GetAtt': [keyId(), 'Arn'] } });
  });

  it('bundles the KMS client into the token-issuing, rotate and revoke functions only', () => {
    const withKms = ['oauth-token', 'authorize', 'login-submit', 'co-verify', 'signing-keys-rotate', 'signing-keys-revoke'].map((id) => functionOf(route(id)).id);
    for (const fn of everyFunction()) {
      const { sources } = JSON.parse(readFileSync(join(assetDirOf(fn), 'index.mjs.map'), 'utf8')) as { sources: string[] };
      const kms = sources.some((s) => s.includes('@aws-sdk/client-kms'));
      expect(kms, fn.id).toBe(withKms.includes(fn.id));
    }
  });
});

/**
 * CloudFormation allows 500 resources per stack (and a 1 MB template, 200 outputs and 200
 * parameters). The project keeps every template at or under 450 resources, so a feature's routes
 * never meet the hard limit in the middle of a deploy (docs/deploying.md, "Stacks").
 */
describe('IdentityStack: templates and their limits', () => {
  /** What one route costs in its group's nested stack: its function, log group, integration and invoke permission. */
  const IN_GROUP = ['AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::ApiGatewayV2::Integration', 'AWS::Lambda::Permission'];
  const quick = { ...cdkContext, 'aws:cdk:bundling-stacks': [] };

  /**
   * The service stack as `cdk synth` builds it, with the edge option on or off (no bundling),
   * and with the CLI's version reporting (one AWS::CDK::Metadata resource per template).
   */
  function synthApp(options: { withEdge?: boolean; table?: readonly RouteDef[] } = {}): IdentityStack {
    const app = new App({ analyticsReporting: true, context: quick });
    const env = { account: '123456789012', region: 'eu-west-1' };
    const firewall = options.withEdge
      ? new EdgeFirewallStack(app, 'IdentityServiceEdge', { env: { ...env, region: 'us-east-1' }, crossRegionReferences: true })
      : undefined;
    return new IdentityStack(app, 'IdentityService', {
      env,
      ...(options.table ? { routes: options.table } : {}),
      ...(firewall ? { crossRegionReferences: true, edge: { webAclArn: firewall.webAcl.attrArn } } : {}),
    });
  }
  /** A copy of the app's templates to plant a violation in. */
  const copyOf = (t: AppTemplates): AppTemplates => structuredClone(t);

  let real: AppTemplates;
  beforeAll(() => {
    real = appTemplates(synthApp());
  });

  it('holds each route group in a nested stack of four resources per route; the root keeps the API routes, roles and shared resources', () => {
    const groups = groupRoutes(ROUTES);
    expect([...stack.groups.keys()].sort()).toEqual([...groups.keys()].sort());
    for (const [group, groupRoutesOf] of groups) {
      const nested = stack.groups.get(group)!;
      const json = Template.fromStack(nested).toJSON() as { Resources: Record<string, Resource> };
      const types = Object.values(json.Resources).map((r) => r.Type);
      expect(types.length, group).toBe(IN_GROUP.length * groupRoutesOf.length);
      for (const type of IN_GROUP) expect(types.filter((t) => t === type), `${group} ${type}`).toHaveLength(groupRoutesOf.length);
      for (const route of groupRoutesOf) expect(Stack.of(stack.functions.get(route.id)!), route.id).toBe(nested);
    }
    // The root: one API route per route, no route function, no integration, no permission.
    const root = template.toJSON() as { Resources: Record<string, Resource> };
    const rootTypes = Object.values(root.Resources).map((r) => r.Type);
    expect(rootTypes.filter((t) => t === 'AWS::ApiGatewayV2::Route')).toHaveLength(ROUTES.length);
    expect(rootTypes.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(2); // rules runner, jobs
    expect(rootTypes.filter((t) => t === 'AWS::ApiGatewayV2::Integration' || t === 'AWS::Lambda::Permission')).toEqual([]);
    expect(rootTypes.filter((t) => t === 'AWS::CloudFormation::Stack')).toHaveLength(groups.size);
  });

  it('keeps each API route under the logical id it had in the single stack, so the upgrade retargets routes in place', () => {
    // The single-stack layout made each route with the L2 construct at `<Route>Route`: rebuild that.
    const before = new Stack(new App(), 'IdentityService');
    const api = new HttpApi(before, 'Api');
    const fn = LambdaFunction.fromFunctionArn(before, 'Fn', 'arn:aws:lambda:eu-west-1:123456789012:function:f');
    const rootRoutes = Object.entries((template.toJSON() as { Resources: Record<string, Resource> }).Resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');
    for (const route of ROUTES) {
      const old = new HttpRoute(before, `${pascal(route.id)}Route`, {
        httpApi: api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${pascal(route.id)}Integration`, fn),
      });
      const id = before.getLogicalId(old.node.defaultChild as CfnResource);
      expect(rootRoutes.find(([, r]) => r.Properties.RouteKey === `${route.method} ${route.path}`)?.[0], route.id).toBe(id);
    }
  });

  it('passes nothing between stacks by export: the groups get parameters, the root reads their outputs', () => {
    expect(JSON.stringify(real.templates.map((t) => t.json))).not.toContain('Fn::ImportValue');
    for (const t of real.templates) expect(Object.keys(t.json.Outputs ?? {}).filter((o) => o.startsWith('Export'))).toEqual([]);
  });

  it('meets every promise on the templates, with and without the edge: within budget, one function and one API route per route, no read route with writes', () => {
    expect(templateViolations(real, ROUTES, 0)).toEqual([]);
    expect(templateViolations(appTemplates(synthApp({ withEdge: true })), ROUTES, 0)).toEqual([]);
    // The bundled app the other tests read is the same app, less the metadata resources.
    expect(Object.keys(resources).length + real.templates.length).toBe(Object.keys(real.resources).length);
  });

  it("counts at synth what the templates hold, so synth's own budget check agrees with CloudFormation's count", () => {
    const root = synthApp();
    const synthesized = appTemplates(root).templates.map((t) => [t.path, Object.keys(t.json.Resources).length]);
    expect([...resourceCounts(root)]).toEqual(synthesized);
  });

  it('reports a planted read route whose role may write', () => {
    const planted = copyOf(real);
    const read = ROUTES.find((r) => r.id === 'users-list')!;
    const write = ROUTES.find((r) => r.id === 'users-update')!;
    const fnOf = (r: RouteDef) => Object.values(planted.resources).find((x) => x.Type === 'AWS::Lambda::Function' && x.Properties.Description === `${r.method} ${r.path}`)!;
    fnOf(read).Properties.Role = fnOf(write).Properties.Role;
    expect(templateViolations(planted, ROUTES, 0)).toEqual([
      'users-list: a read route whose role allows dynamodb:BatchWriteItem, dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem',
    ]);
  });

  it('reports a planted route without its function, and one with two API routes', () => {
    const planted = copyOf(real);
    const signup = Object.entries(planted.resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'POST /dbconnections/signup')!;
    delete planted.resources[signup[0]];
    const jwks = Object.entries(planted.resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === 'GET /.well-known/jwks.json')!;
    planted.resources[`${jwks[0]}Twin`] = structuredClone(jwks[1]);
    expect(templateViolations(planted, ROUTES, 0)).toEqual(['signup: 0 functions for POST /dbconnections/signup', 'jwks: 2 API routes for GET /.well-known/jwks.json']);
  });

  it('reports a planted template over the budget, and over the outputs quota', () => {
    const planted = copyOf(real);
    const users = planted.templates.find((t) => t.path === 'IdentityService/UsersRoutes')!;
    const have = Object.keys(users.json.Resources).length;
    for (let i = have; i < 451; i++) users.json.Resources[`Planted${i}`] = { Type: 'AWS::SNS::Topic', Properties: {} };
    for (let i = 0; i < 201; i++) (users.json.Outputs ??= {})[`Planted${i}`] = { Value: 'x' };
    expect(templateViolations(planted, ROUTES, 0)).toEqual([
      'IdentityService/UsersRoutes: 451 resources (budget 450)',
      `IdentityService/UsersRoutes: ${201 + Object.keys(real.templates.find((t) => t.path === 'IdentityService/UsersRoutes')!.json.Outputs ?? {}).length} outputs (quota 200)`,
    ]);
  });

  it('fails synth when a route group outgrows its template: a planted table of 110 more user routes', () => {
    const template = ROUTES.find((r) => r.id === 'users-get')!;
    const planted = [...ROUTES, ...Array.from({ length: 110 }, (_, i) => ({ ...template, id: `planted-${i}`, path: `/api/v2/planted/${i}` }))];
    const app = synthApp({ table: planted });
    expect(() => App.of(app)!.synth()).toThrow(/IdentityService\/UsersRoutes: 4\d\d resources, over the budget of 450 per template/);
  });

  it('reports a planted permission that lets any API invoke a function, and a read role holding a PartiQL write', () => {
    const planted = copyOf(real);
    const jwks = Object.entries(planted.resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'GET /.well-known/jwks.json')!;
    const permission = Object.values(planted.resources).find((r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes(jwks[0]))!;
    delete permission.Properties.SourceArn;
    const readRole = (jwks[1].Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const readPolicy = Object.values(planted.resources).find((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(readRole))!;
    (readPolicy.Properties.PolicyDocument as { Statement: unknown[] }).Statement.push({ Effect: 'Allow', Action: 'dynamodb:PartiQLUpdate', Resource: '*' });
    const violations = templateViolations(planted, ROUTES, 0);
    expect(violations).toContain('jwks: its function is not invokable by exactly its API route (1 permissions)');
    expect(violations).toContain('jwks: a read route whose role allows dynamodb:PartiQLUpdate');
    // Every read route shares that role, so each is reported.
    expect(violations.filter((v) => v.endsWith('allows dynamodb:PartiQLUpdate'))).toHaveLength(ROUTES.filter((r) => accessProfileOf(r).id === 'table-read').length);
  });

  it('fails synth past 250 routes on the HTTP API (API Gateway allows 300 integrations, never more), though every template is within budget', () => {
    const base = ROUTES.find((r) => r.id === 'users-get')!;
    const spread = ['users/get-user', 'rules/get-rule', 'clients/get-client'];
    const planted = [...ROUTES, ...Array.from({ length: 170 }, (_, i) => ({ ...base, id: `planted-${i}`, path: `/api/v2/planted/${i}`, handler: spread[i % 3]! }))];
    const root = synthApp({ table: planted });
    expect([...resourceCounts(root).values()].every((count) => count <= 450)).toBe(true);
    expect(() => App.of(root)!.synth()).toThrow(/IdentityService: 251 routes on one HTTP API, over the budget of 250/);
  });

  it('fails synth for a handler folder that belongs to no route group', () => {
    const stray = { ...ROUTES.find((r) => r.id === 'jwks')!, id: 'stray', path: '/stray', handler: 'stray/handler' };
    expect(() => synthApp({ table: [...ROUTES, stray] })).toThrow('Route stray: its handler folder functions/stray/ belongs to no route group');
  });
});
