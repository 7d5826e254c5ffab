import type { RouteDef } from '#shared/http/routes';

/**
 * What a route's function may do in AWS, derived from the route table's flags alone. Functions
 * with the same profile share one IAM role (and its one policy): a role per function cost two
 * resources each, and CloudFormation allows 500 per stack (docs/deploying.md, "Access
 * profiles"). Every grant a role holds comes from its profile, so two functions share a role only
 * when they would have been granted exactly the same thing, and a route that needs something
 * new (another flag) gets a role of its own instead of widening one.
 */
export interface AccessProfile {
  /** Stable and unique per set of grants: 'table-read', 'table-write-jobs', ... (the role's construct id). */
  id: string;
  /** Read-only table actions (Get, BatchGet, Query, Scan) or read and write. */
  data: 'read' | 'write';
  /** May invoke the rules runner (logins that run rules and actions). */
  invokesRulesRunner: boolean;
  /** May invoke the jobs function (routes that start background jobs). */
  invokesJobs: boolean;
  /**
   * Signs tokens: named in the stack key's policy for kms:Sign, and may kms:Sign keys tagged for
   * the stack (those rotation made), RS256 only (docs/signing-keys.md).
   */
  signs: boolean;
  /**
   * Signing keys in KMS, only those tagged for the stack: 'create' may make one (CreateKey and
   * TagResource with the stack's tag), read its public half and sign its certificate; 'retire' may
   * schedule its deletion. Unset: no KMS right at all.
   */
  kmsKeys: 'create' | 'retire' | undefined;
}

export function accessProfileOf(route: RouteDef): AccessProfile {
  const invokesRulesRunner = route.runsExtensions === true;
  const invokesJobs = route.launchesJobs === true;
  const signs = route.issuesTokens === true;
  const kmsKeys = route.kmsKeys;
  const id = [`table-${route.data}`, invokesRulesRunner && 'rules', invokesJobs && 'jobs', signs && 'sign', kmsKeys && `kms-${kmsKeys}`]
    .filter(Boolean)
    .join('-');
  return { id, data: route.data, invokesRulesRunner, invokesJobs, signs, kmsKeys };
}

/** The role's description in IAM: what its functions may do, in words. */
export function describeProfile(profile: AccessProfile): string {
  const can = [
    profile.data === 'write' ? 'reads and writes the table' : 'reads the table (no writes)',
    profile.invokesRulesRunner && 'invokes the rules runner',
    profile.invokesJobs && 'invokes the jobs function',
    profile.signs && 'signs tokens with the KMS keys',
    profile.kmsKeys === 'create' && 'makes, reads and certifies KMS signing keys tagged for the stack',
    profile.kmsKeys === 'retire' && 'schedules the deletion of KMS signing keys tagged for the stack',
  ].filter(Boolean);
  return `Identity service route functions (${profile.id}): ${can.join(', ')}`;
}
