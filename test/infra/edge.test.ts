import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE_RESPONSE_BODIES, EdgeFirewallStack } from '#infra/edge-firewall';
import { IdentityStack } from '#infra/stack';
import { routes } from '#shared/http/routes';
import { appTemplates, templateViolations, type AppTemplates } from './templates';

/**
 * The `edge` option: WAF rate limits on a CloudFront distribution in front of the HTTP API.
 * Synthesized offline like the main stack test, with asset bundling skipped (the functions'
 * code is not what this file asserts; test/infra/stack.test.ts bundles it).
 */
interface Resource {
  Type: string;
  Properties: Record<string, any>;
}

const cdkContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;
const ACCOUNT = '123456789012';

function synth(withEdge: boolean) {
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const firewall = withEdge
    ? new EdgeFirewallStack(app, 'IdentityServiceEdge', { env: { account: ACCOUNT, region: 'us-east-1' }, crossRegionReferences: true })
    : undefined;
  const stack = new IdentityStack(app, 'IdentityService', {
    env: { account: ACCOUNT, region: 'eu-west-1' },
    ...(firewall ? { crossRegionReferences: true, edge: { webAclArn: firewall.webAcl.attrArn } } : {}),
  });
  return { firewall, stack };
}

const resourcesOf = (template: Template) => (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
const ofType = (resources: Record<string, Resource>, type: string) => Object.values(resources).filter((r) => r.Type === type);

let firewall: Template;
let main: Template;
let plain: Template;
/** Every template of the service stack, nested ones included (the route functions live there). */
let mainApp: AppTemplates;
let plainApp: AppTemplates;

beforeAll(() => {
  const edge = synth(true);
  firewall = Template.fromStack(edge.firewall!);
  main = Template.fromStack(edge.stack);
  mainApp = appTemplates(edge.stack);
  const withoutEdge = synth(false).stack;
  plain = Template.fromStack(withoutEdge);
  plainApp = appTemplates(withoutEdge);
}, 180_000);

describe('edge firewall stack (us-east-1)', () => {
  it('holds one CLOUDFRONT web ACL whose rate rules count per IP, per IP for password checks, and per Authorization header', () => {
    const acls = ofType(resourcesOf(firewall), 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    const acl = acls[0]!.Properties;
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    const rate: Record<string, { action: unknown; labels: unknown; rate: any }> = Object.fromEntries(
      (acl.Rules as any[]).filter((r) => r.Statement.RateBasedStatement).map((r) => [r.Name, { action: r.Action, labels: r.RuleLabels, rate: r.Statement.RateBasedStatement }]),
    );
    expect(Object.keys(rate)).toEqual(['PasswordPerIp', 'RequestsPerIp', 'RequestsPerCredential']);
    for (const rule of Object.values(rate)) {
      expect(rule.action).toEqual({ Count: {} });
      expect(rule.labels).toEqual([{ Name: 'identity:rate-limited' }]);
      expect(rule.rate.EvaluationWindowSec).toBe(60);
    }
    expect(rate.RequestsPerIp!.rate).toMatchObject({ AggregateKeyType: 'IP', Limit: 3000 });
    expect(rate.PasswordPerIp!.rate).toMatchObject({ AggregateKeyType: 'IP', Limit: 100 });
    expect(JSON.stringify(rate.PasswordPerIp!.rate.ScopeDownStatement)).toContain('"SearchString":"/oauth/token"');
    expect(JSON.stringify(rate.PasswordPerIp!.rate.ScopeDownStatement)).toContain('"SearchString":"password"');
    expect(JSON.stringify(rate.PasswordPerIp!.rate.ScopeDownStatement)).toContain('"SearchString":"/dbconnections/signup"');
    // The hosted forms: POST /u/login and /u/signup check or hash a password too.
    expect(JSON.stringify(rate.PasswordPerIp!.rate.ScopeDownStatement)).toContain('{"AndStatement":{"Statements":[{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"PositionalConstraint":"STARTS_WITH","SearchString":"/u/"');
    expect(JSON.stringify(rate.PasswordPerIp!.rate.ScopeDownStatement)).toContain('"FieldToMatch":{"Method":{}},"PositionalConstraint":"EXACTLY","SearchString":"POST"');
    expect(rate.RequestsPerCredential!.rate).toMatchObject({
      AggregateKeyType: 'CUSTOM_KEYS', Limit: 3000,
      CustomKeys: [{ Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
    });
  });

  it("answers 429 with Retry-After and Auth0's body for each API family", () => {
    const acl = ofType(resourcesOf(firewall), 'AWS::WAFv2::WebACL')[0]!.Properties;
    const blocks = (acl.Rules as any[]).filter((r) => r.Action.Block);
    expect(blocks.map((r) => [r.Name, r.Action.Block.CustomResponse])).toEqual(
      (['management', 'signup', 'authentication'] as const).map((key, i) => [
        ['ManagementTooManyRequests', 'SignupTooManyRequests', 'AuthenticationTooManyRequests'][i],
        { ResponseCode: 429, CustomResponseBodyKey: key, ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }] },
      ]),
    );
    // Every block rule needs the rate rules' label; the first two narrow it to their API's paths.
    const labelled = { LabelMatchStatement: { Scope: 'LABEL', Key: 'identity:rate-limited' } };
    expect(blocks[0].Statement.AndStatement.Statements[0]).toEqual(labelled);
    expect(blocks[1].Statement.AndStatement.Statements[0]).toEqual(labelled);
    expect(blocks[2].Statement).toEqual(labelled);
    expect(JSON.stringify(blocks[0].Statement)).toContain('"PositionalConstraint":"STARTS_WITH","SearchString":"/api/v2/"');
    expect(acl.CustomResponseBodies).toEqual({
      management: { ContentType: 'APPLICATION_JSON', Content: JSON.stringify(EDGE_RESPONSE_BODIES.management) },
      signup: { ContentType: 'APPLICATION_JSON', Content: JSON.stringify(EDGE_RESPONSE_BODIES.signup) },
      authentication: { ContentType: 'APPLICATION_JSON', Content: JSON.stringify(EDGE_RESPONSE_BODIES.authentication) },
    });
    expect(JSON.parse(acl.CustomResponseBodies.management.Content)).toEqual({
      statusCode: 429, error: 'Too Many Requests', message: 'Rate limit reached; retry after 60 seconds.', errorCode: 'too_many_requests',
    });
    expect(JSON.parse(acl.CustomResponseBodies.authentication.Content)).toEqual({
      error: 'too_many_requests', error_description: 'Rate limit reached; retry after 60 seconds.',
    });
  });

  it('refuses limits below WAF minimum at synth', () => {
    const app = new App();
    expect(() => new EdgeFirewallStack(app, 'Edge', { limits: { passwordPerIp: 5 } })).toThrow(
      "edge limit passwordPerIp must be an integer of at least 10 (WAF's minimum), got 5",
    );
  });
});

describe('service stack with the edge option', () => {
  it('puts an uncached CloudFront distribution with the web ACL in front of the API, over https only', () => {
    main.resourceCountIs('AWS::CloudFront::Distribution', 1);
    main.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: Match.anyValue(),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
        }),
        Origins: [
          Match.objectLike({
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only' }),
            OriginCustomHeaders: [{ HeaderName: 'x-origin-verify', HeaderValue: Match.anyValue() }],
          }),
        ],
      }),
    });
    // The web ACL's ARN comes from us-east-1 through CDK's cross-region reader, not a literal.
    const distribution = ofType(resourcesOf(main), 'AWS::CloudFront::Distribution')[0]!.Properties;
    expect(JSON.stringify(distribution.DistributionConfig.WebACLId)).toContain('Fn::GetAtt');
  });

  it('gives every route function the origin secret from Secrets Manager (never a literal), the limiter off, and the distribution as issuer', () => {
    const secrets = Object.entries(resourcesOf(main)).filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    const [secretId] = secrets[0]!;
    const header = ofType(resourcesOf(main), 'AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig.Origins[0].OriginCustomHeaders[0].HeaderValue;
    expect(JSON.stringify(header)).toContain(`{{resolve:secretsmanager:`);
    expect(JSON.stringify(header)).toContain(secretId);
    const functions = ofType(mainApp.resources, 'AWS::Lambda::Function').filter((f) => routes.some((r) => f.Properties.Description === `${r.method} ${r.path}`));
    expect(functions).toHaveLength(routes.length);
    for (const fn of functions) {
      const vars = fn.Properties.Environment.Variables;
      expect(vars.RATE_LIMITS).toBe('off');
      expect(vars.EDGE_ORIGIN_SECRET).toEqual(header);
      expect(JSON.stringify(vars.ISSUER)).toContain('DomainName');
    }
  });

  it("passes the nested stacks the origin secret's ARN only: the secret's value is resolved in their templates, never a parameter", () => {
    const rootStacks = mainApp.templates[0]!.json.Resources;
    const secretId = Object.entries(rootStacks).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret')![0];
    for (const nested of mainApp.templates.slice(1)) {
      const passed = JSON.stringify(rootStacks[nested.logicalId!]!.Properties.Parameters);
      expect(passed, nested.path).not.toContain('{{resolve:');
      expect(passed, nested.path).toContain(JSON.stringify({ Ref: secretId }));
      expect(JSON.stringify(nested.json.Resources), nested.path).toContain('{{resolve:secretsmanager:');
    }
  });

  it('keeps every template within the 450-resource budget, each route wired to one function', () => {
    expect(templateViolations(mainApp, routes)).toEqual([]);
  });
});

describe('service stack without the edge option (the default)', () => {
  it('has no distribution or secret; the functions keep the in-process limiter off and get no origin secret', () => {
    plain.resourceCountIs('AWS::CloudFront::Distribution', 0);
    plain.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const functions = ofType(plainApp.resources, 'AWS::Lambda::Function').filter((f) => routes.some((r) => f.Properties.Description === `${r.method} ${r.path}`));
    expect(functions).toHaveLength(routes.length);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.RATE_LIMITS).toBe('off');
      expect(fn.Properties.Environment.Variables.EDGE_ORIGIN_SECRET).toBeUndefined();
    }
  });
});
