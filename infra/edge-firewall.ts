import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * The edge's rate limits: a WAFv2 web ACL for the CloudFront distribution in front of the API
 * (the stack's `edge` option, docs/rate-limits.md). A web ACL of scope CLOUDFRONT can only be
 * created in us-east-1, so it lives in this stack of its own; the distribution in the service's
 * stack refers to it across regions.
 *
 * WAF counts per key over a trailing window (here one minute) and refuses while the count is
 * over the limit. It cannot key on a form field, so "per client" means per Authorization header
 * (a Management token, or a client's Basic credentials); clients that send client_id in the body
 * are held by the per-IP rules. The rate rules only count and label; three block rules then answer
 * 429 in the shape of the API the request was for, with Retry-After.
 */
export interface EdgeLimits {
  /** Requests per minute from one IP, any route. */
  perIp: number;
  /** Password grants and sign-ups per minute from one IP (argon2id each). */
  passwordPerIp: number;
  /** Requests per minute carrying one Authorization header value. */
  perCredential: number;
}

/** WAF's smallest limit is 10 per window; these leave room for busy NATs and batch jobs. */
export const DEFAULT_EDGE_LIMITS: EdgeLimits = { perIp: 3_000, passwordPerIp: 100, perCredential: 3_000 };

/** The window WAF counts over, and so the longest a refused caller waits: what Retry-After says. */
export const EDGE_WINDOW_SECONDS = 60;
const LABEL = 'identity:rate-limited';

const message = `Rate limit reached; retry after ${EDGE_WINDOW_SECONDS} seconds.`;
export const EDGE_RESPONSE_BODIES = {
  management: { statusCode: 429, error: 'Too Many Requests', message, errorCode: 'too_many_requests' },
  signup: { name: 'TooManyRequestsError', code: 'too_many_requests', description: message, statusCode: 429 },
  authentication: { error: 'too_many_requests', error_description: message },
} as const;

export interface EdgeFirewallStackProps extends StackProps {
  limits?: Partial<EdgeLimits>;
}

export class EdgeFirewallStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeFirewallStackProps = {}) {
    super(scope, id, props);
    const limits = { ...DEFAULT_EDGE_LIMITS, ...props.limits };
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 10) throw new Error(`edge limit ${name} must be an integer of at least 10 (WAF's minimum), got ${value}`);
    }
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Identity service: per-IP and per-credential rate limits, answered in Auth0 shapes',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('identity-edge'),
      customResponseBodies: Object.fromEntries(
        Object.entries(EDGE_RESPONSE_BODIES).map(([key, body]) => [key, { contentType: 'APPLICATION_JSON', content: JSON.stringify(body) }]),
      ),
      rules: [
        countOver('PasswordPerIp', 0, limits.passwordPerIp, { aggregateKeyType: 'IP', scopeDownStatement: passwordChecks() }),
        countOver('RequestsPerIp', 1, limits.perIp, { aggregateKeyType: 'IP' }),
        countOver('RequestsPerCredential', 2, limits.perCredential, {
          aggregateKeyType: 'CUSTOM_KEYS',
          customKeys: [{ header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } }],
        }),
        refuse('ManagementTooManyRequests', 10, path('STARTS_WITH', '/api/v2/'), 'management'),
        refuse('SignupTooManyRequests', 11, path('EXACTLY', '/dbconnections/signup'), 'signup'),
        refuse('AuthenticationTooManyRequests', 12, undefined, 'authentication'),
      ],
    });
  }
}

type Statement = CfnWebACL.StatementProperty;

/** A rate rule that only labels what is over its limit (the block rules below answer it). */
function countOver(name: string, priority: number, limit: number, rate: Omit<CfnWebACL.RateBasedStatementProperty, 'limit'>): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    action: { count: {} },
    ruleLabels: [{ name: LABEL }],
    statement: { rateBasedStatement: { limit, evaluationWindowSec: EDGE_WINDOW_SECONDS, ...rate } },
    visibilityConfig: visibility(name),
  };
}

/** Blocks a labelled request with a 429 in one API's shape; `where` narrows it to that API's paths. */
function refuse(name: string, priority: number, where: Statement | undefined, body: keyof typeof EDGE_RESPONSE_BODIES): CfnWebACL.RuleProperty {
  const limited: Statement = { labelMatchStatement: { scope: 'LABEL', key: LABEL } };
  return {
    name,
    priority,
    action: {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: body,
          responseHeaders: [{ name: 'Retry-After', value: String(EDGE_WINDOW_SECONDS) }],
        },
      },
    },
    statement: where ? { andStatement: { statements: [limited, where] } } : limited,
    visibilityConfig: visibility(name),
  };
}

/** A POST (the hosted forms; their GET screens are not password checks). */
function postMethod(): Statement {
  return {
    byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: 'POST', textTransformations: [{ priority: 0, type: 'NONE' }] },
  };
}

/** Password grants (the grant type, or the password itself, is in the body), sign-ups and the hosted forms. */
function passwordChecks(): Statement {
  const bodyMentionsPassword: Statement = {
    byteMatchStatement: {
      // A body too large for WAF to read counts as a password check: the safe side.
      fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
      positionalConstraint: 'CONTAINS',
      searchString: 'password',
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  };
  return {
    orStatement: {
      statements: [
        { andStatement: { statements: [path('EXACTLY', '/oauth/token'), bodyMentionsPassword] } },
        path('EXACTLY', '/dbconnections/signup'),
        // The hosted login and signup forms (POST /u/login, /u/signup).
        { andStatement: { statements: [path('STARTS_WITH', '/u/'), postMethod()] } },
      ],
    },
  };
}

function path(positionalConstraint: 'EXACTLY' | 'STARTS_WITH', searchString: string): Statement {
  return {
    byteMatchStatement: { fieldToMatch: { uriPath: {} }, positionalConstraint, searchString, textTransformations: [{ priority: 0, type: 'NONE' }] },
  };
}

function visibility(metricName: string): CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}
