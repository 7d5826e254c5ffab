import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnRoute, CfnStage, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EdgeDistribution } from '#infra/edge-distribution';
import {
  AccountRootPrincipal, ManagedPolicy, PolicyDocument, PolicyStatement, Role, ServicePrincipal, type IRole,
} from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessProfileOf, describeProfile, type AccessProfile } from '#infra/access-profiles';
import { DEFAULT_MEMORY_MB, pascal, projectFunction } from '#infra/lambda';
import { groupRoutes, type RouteGroup } from '#infra/route-groups';
import { RouteGroupStack } from '#infra/route-group-stack';
import { checkResourceBudget } from '#infra/resource-budget';
import { applyRunnerNetwork, checkRunnerNetwork, type RunnerNetwork } from '#infra/runner-network';
import { tableDefinition } from '#shared/db/table';
import { SIGNING_KEY_TAG } from '#shared/tenant/signing-keys/kms-key-maker';
import { routes, type RouteDef } from '#shared/http/routes';

/** Requests per second across the API, and the burst above it (Auth0 Enterprise allows 100/s). */
const THROTTLE = { rate: 500, burst: 1000 };

/**
 * The rules runner interprets rules (QuickJS compiled to wasm), so CPU is what it buys with
 * memory: 1024 MB is ~0.6 vCPU, and the sandbox itself is capped at EXTENSIONS_MEMORY_MB.
 * Its timeout covers Auth0's 20 s budget (which the sandbox enforces) plus cold start.
 */
const RULES_RUNNER_ENTRY = 'functions/sandbox/run-extensions.ts';
const RULES_RUNNER_MEMORY_MB = 1024;
const RULES_RUNNER_TIMEOUT = Duration.seconds(30);

/**
 * Background jobs (search index backfills and clean-ups, the users of a deleted connection):
 * Lambda's longest timeout; the runner stops a minute before it and invokes itself to go on.
 * arm64: it ships no native addon.
 */
const JOBS_ENTRY = 'functions/jobs/run-job.ts';
const JOBS_TIMEOUT = Duration.minutes(15);

export interface IdentityStackProps extends StackProps {
  /** Token issuer (`iss`), an https URL ending in '/'. Defaults to the HTTP API's endpoint. */
  issuer?: string;
  /**
   * Rate limits per IP and per client at the edge (docs/rate-limits.md): a CloudFront distribution
   * in front of the API with this WAF web ACL (EdgeFirewallStack, us-east-1). The issuer then
   * defaults to the distribution's URL. Off unless given: it costs money and moves the public URL.
   */
  edge?: { webAclArn: string };
  /** The route table to deploy: the project's (shared/http/routes.ts) unless a test plants another. */
  routes?: readonly RouteDef[];
  /**
   * Where the rules runner may reach, for custom database scripts (infra/runner-network.ts): its
   * subnets and security groups, and its EXTENSIONS_ALLOW_HOSTS. Unset: no VPC, no exceptions.
   */
  runnerNetwork?: RunnerNetwork;
}

export class IdentityStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  /** The CloudFront distribution with the WAF, when the `edge` option is on. */
  readonly edge: EdgeDistribution | undefined;
  readonly jobFilesBucket: Bucket;
  /** The function serving each route, by route id. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  /** Runs rules and actions for the routes that run logins; it has no table or key access. */
  readonly rulesRunner: NodejsFunction;
  /** Runs background jobs; invoked asynchronously by the routes that start them, and by itself. */
  readonly jobs: NodejsFunction;
  /** Signs tokens (RS256); only the token-issuing functions may use it (docs/signing-keys.md). */
  readonly signingKey: Key;
  /** The nested stack of each route group (infra/route-groups.ts), which holds its routes' functions. */
  readonly groups = new Map<RouteGroup, RouteGroupStack>();
  /** The route functions' roles, one per access profile (infra/access-profiles.ts), by profile id. */
  readonly roles = new Map<string, { profile: AccessProfile; role: Role }>();

  constructor(scope: Construct, id: string, props: IdentityStackProps = {}) {
    super(scope, id, props);
    this.node.addValidation({ validate: () => checkResourceBudget(this) });
    if (props.issuer !== undefined) assertIssuer(props.issuer);
    if (props.runnerNetwork) checkRunnerNetwork(props.runnerNetwork);

    this.table = buildTable(this);
    this.api = new HttpApi(this, 'Api', { description: 'Identity service (Auth0-compatible)' });
    // A ceiling for the whole API (public routes such as /oauth/token included), so a flood costs
    // 429s from API Gateway rather than Lambda and DynamoDB bills. Per-IP and per-client limits:
    // the `edge` option (WAF on CloudFront).
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = { throttlingRateLimit: THROTTLE.rate, throttlingBurstLimit: THROTTLE.burst };
    // The default endpoint is a token resolved at deploy time; only the functions depend on it.
    this.edge = props.edge ? new EdgeDistribution(this, 'Edge', { api: this.api, webAclArn: props.edge.webAclArn }) : undefined;
    const issuer = props.issuer ?? `${this.edge?.endpoint ?? this.api.apiEndpoint}/`;

    this.rulesRunner = this.rulesRunnerFunction();
    applyRunnerNetwork(this.rulesRunner, props.runnerNetwork ?? {});
    this.jobs = this.jobsFunction(issuer);
    this.signingKey = buildSigningKey(this);
    const functions = new Map<string, NodejsFunction>();
    for (const [group, groupRoutesOf] of groupRoutes(props.routes ?? routes)) {
      const stack = new RouteGroupStack(this, `${pascal(group)}Routes`, {
        group,
        routes: groupRoutesOf,
        api: this.api,
        tableName: this.table.tableName,
        issuer,
        roleFor: (route) => this.roleFor(accessProfileOf(route)),
        environmentFor: (route) => this.environmentOf(route),
      });
      for (const route of groupRoutesOf) {
        // The API route stays here, under the construct path (and so the logical id) it had when
        // the functions lived in this stack: moving a function to a group only retargets it.
        new CfnRoute(new Construct(this, `${pascal(route.id)}Route`), 'Resource', {
          apiId: this.api.apiId,
          routeKey: `${route.method} ${route.path}`,
          authorizationType: 'NONE',
          target: `integrations/${stack.integrations.get(route.id)!.ref}`,
        });
        functions.set(route.id, stack.functions.get(route.id)!);
      }
      this.groups.set(group, stack);
    }
    this.functions = functions;
    allowSigning(this.signingKey, [...this.roles.values()].filter((r) => r.profile.signs).map((r) => r.role));

    // Export/import job files; no function is granted access until the jobs endpoints exist.
    this.jobFilesBucket = new Bucket(this, 'JobFiles', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.edge?.endpoint ?? this.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'Issuer', { value: issuer });
    // `JOBS_FUNCTION_NAME=<this> npm run seed` runs a root index backfill in AWS, not in the CLI.
    new CfnOutput(this, 'JobsFunctionName', { value: this.jobs.functionName });
    // `SIGNING_KEY_KMS_ID=<this> npm run seed` registers the key's public half for JWKS.
    new CfnOutput(this, 'SigningKeyId', { value: this.signingKey.keyArn });
  }

  /**
   * The role of every route function with this profile, made and granted on first use. Grants go
   * to the role, never through a function (a grant through one function would reach every
   * function sharing its role).
   */
  private roleFor(profile: AccessProfile): Role {
    const existing = this.roles.get(profile.id);
    if (existing) return existing.role;
    const role = new Role(this, `${pascal(profile.id)}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: describeProfile(profile),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    if (profile.data === 'write') this.table.grantReadWriteData(role);
    else this.table.grantReadData(role);
    if (profile.invokesRulesRunner) this.rulesRunner.grantInvoke(role);
    if (profile.invokesJobs) this.jobs.grantInvoke(role);
    // kms:Sign on the stack's own key is not an IAM grant: its key policy names the signing roles
    // (allowSigning, below). Keys made by rotation have KMS's default key policy, which lets IAM
    // grant their use: these statements, each held to keys carrying the stack's tag.
    for (const statement of kmsStatements(this, profile)) role.addToPolicy(statement);
    this.roles.set(profile.id, { profile, role });
    return role;
  }

  /** A route function's environment beyond the table and the issuer, from its access profile. */
  private environmentOf(route: RouteDef): Record<string, string> {
    const profile = accessProfileOf(route);
    return {
      ...(profile.invokesRulesRunner ? { RULES_RUNNER_FUNCTION_NAME: this.rulesRunner.functionName } : {}),
      ...(profile.invokesJobs ? { JOBS_FUNCTION_NAME: this.jobs.functionName } : {}),
      ...(profile.signs ? { SIGNING_KEY_KMS_ID: this.signingKey.keyArn } : {}),
      ...(profile.kmsKeys ? { SIGNING_KEY_KMS_TAG: this.stackName } : {}),
      ...(this.edge ? { EDGE_ORIGIN_SECRET: this.edge.originSecret } : {}),
    };
  }

  /**
   * Not a route: the token function invokes it. No table grant and no environment (but the
   * operator's EXTENSIONS_ALLOW_HOSTS), so a rule or a custom database script that escaped the
   * sandbox would hold no credentials to the data or the signing keys. arm64, because it ships no
   * native addon (bcryptjs, for scripts, is pure JS) and arm64 Lambda costs less per GB-second.
   */
  private rulesRunnerFunction(): NodejsFunction {
    return projectFunction(this, 'RulesRunner', {
      description: 'Runs the rules, actions and custom database scripts of one login or signup in a sandbox (no data access)',
      entry: RULES_RUNNER_ENTRY,
      architecture: Architecture.ARM_64,
      memorySize: RULES_RUNNER_MEMORY_MB,
      timeout: RULES_RUNNER_TIMEOUT,
    });
  }

  /**
   * Not a route. It continues a long job by invoking itself, so it is named up front: its own name
   * and ARN are then plain strings, not references to itself (which CloudFormation would refuse
   * as a circular dependency between the function and its role's policy).
   */
  private jobsFunction(issuer: string): NodejsFunction {
    const functionName = `${this.stackName.slice(0, 59)}-jobs`;
    const fn = projectFunction(this, 'Jobs', {
      functionName,
      description: "Runs background jobs: search index backfills and clean-ups, a deleted connection's users",
      entry: JOBS_ENTRY,
      architecture: Architecture.ARM_64,
      memorySize: DEFAULT_MEMORY_MB,
      timeout: JOBS_TIMEOUT,
      environment: { TABLE_NAME: this.table.tableName, ISSUER: issuer, JOBS_FUNCTION_NAME: functionName },
    });
    this.table.grantReadWriteData(fn);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    return fn;
  }
}

/**
 * What the account root keeps on the signing key: administration and the public key, named one by
 * one. Not kms:Sign and not kms:CreateGrant (a grant could hand Sign to anyone), so no IAM
 * policy in the account can let another principal sign; changing that takes kms:PutKeyPolicy,
 * which the root must keep (KMS refuses a policy that locks it out) and CloudTrail records.
 */
const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey', 'kms:GetPublicKey', 'kms:Verify', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy', 'kms:ListKeyPolicies',
  'kms:GetKeyRotationStatus', 'kms:ListGrants', 'kms:RevokeGrant', 'kms:ListResourceTags', 'kms:TagResource',
  'kms:UntagResource', 'kms:EnableKey', 'kms:DisableKey', 'kms:UpdateKeyDescription', 'kms:CreateAlias',
  'kms:UpdateAlias', 'kms:DeleteAlias', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
];

/**
 * The RS256 signing key: its private half never leaves KMS. Retained when the stack goes, as
 * tokens it signed may still be in use and the table still publishes its public half.
 */
function buildSigningKey(scope: Construct): Key {
  return new Key(scope, 'SigningKey', {
    description: 'Signs the identity service tokens (RS256); kms:Sign for the token-issuing functions only',
    keySpec: KeySpec.RSA_2048,
    keyUsage: KeyUsage.SIGN_VERIFY,
    removalPolicy: RemovalPolicy.RETAIN,
    policy: new PolicyDocument({
      statements: [new PolicyStatement({ principals: [new AccountRootPrincipal()], actions: KEY_ADMIN_ACTIONS, resources: ['*'] })],
    }),
  });
}

/**
 * kms:Sign, in the key policy itself, for exactly these roles and RS256 only. The roles need no
 * IAM statement: a key policy that names a principal is enough, and the root delegates no Sign.
 */
function allowSigning(key: Key, roles: IRole[]): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'TokenFunctionsSign',
      principals: roles,
      actions: ['kms:Sign'],
      resources: ['*'], // in a key policy, "*" is this key
      conditions: { StringEquals: { 'kms:SigningAlgorithm': 'RSASSA_PKCS1_V1_5_SHA_256' } },
    }),
  );
}

/**
 * The IAM side of the signing keys rotation makes (docs/signing-keys.md): every statement names
 * only keys tagged `identity-service:signing-key=<stack name>`, or, for CreateKey and TagResource
 * (which KMS authorizes on "*"), requests that set exactly that tag. RS256 only for kms:Sign.
 */
function kmsStatements(stack: Stack, profile: AccessProfile): PolicyStatement[] {
  const tagged = { [`aws:ResourceTag/${SIGNING_KEY_TAG}`]: stack.stackName };
  const keys = [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })];
  const rs256 = { 'kms:SigningAlgorithm': 'RSASSA_PKCS1_V1_5_SHA_256' };
  const sign = new PolicyStatement({ sid: 'SignTaggedKeys', actions: ['kms:Sign'], resources: keys, conditions: { StringEquals: { ...tagged, ...rs256 } } });
  const statements: PolicyStatement[] = [];
  if (profile.signs) statements.push(sign);
  if (profile.kmsKeys === 'create') {
    const onlyOurTag = {
      StringEquals: { [`aws:RequestTag/${SIGNING_KEY_TAG}`]: stack.stackName },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [SIGNING_KEY_TAG] },
    };
    statements.push(
      new PolicyStatement({
        sid: 'CreateTaggedSigningKeys',
        actions: ['kms:CreateKey'],
        resources: ['*'], // CreateKey names no key
        conditions: {
          ...onlyOurTag,
          StringEquals: { ...onlyOurTag.StringEquals, 'kms:KeySpec': 'RSA_2048', 'kms:KeyUsage': 'SIGN_VERIFY', 'kms:KeyOrigin': 'AWS_KMS' },
          Bool: { 'kms:MultiRegion': 'false' },
        },
      }),
      // Tags given at CreateKey need kms:TagResource in IAM on every key of the account and Region.
      new PolicyStatement({ sid: 'TagNewSigningKeys', actions: ['kms:TagResource'], resources: ['*'], conditions: onlyOurTag }),
      new PolicyStatement({ sid: 'ReadTaggedKeys', actions: ['kms:GetPublicKey'], resources: keys, conditions: { StringEquals: tagged } }),
      sign,
    );
  }
  if (profile.kmsKeys === 'retire') {
    statements.push(new PolicyStatement({ sid: 'DeleteTaggedKeys', actions: ['kms:ScheduleKeyDeletion'], resources: keys, conditions: { StringEquals: tagged } }));
  }
  return statements;
}

function buildTable(scope: Construct): Table {
  const { partitionKey, sortKey, ttlAttribute, globalSecondaryIndexes } = tableDefinition;
  const table = new Table(scope, 'Table', {
    partitionKey: { name: partitionKey, type: AttributeType.STRING },
    sortKey: { name: sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const gsi of globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: gsi.name,
      partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
      sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
    });
  }
  return table;
}

/** Throws unless the issuer is what OIDC discovery and the service's config both accept. */
function assertIssuer(issuer: string): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`issuer must be a URL, got "${issuer}"`);
  }
  // OIDC Discovery 1.0, section 3: the issuer uses the https scheme.
  if (url.protocol !== 'https:') throw new Error(`issuer must use https, got "${issuer}"`);
  if (!issuer.endsWith('/')) throw new Error(`issuer must end with "/", got "${issuer}"`);
}
