import { App } from 'aws-cdk-lib';
import { EdgeFirewallStack } from '#infra/edge-firewall';
import { runnerNetworkFromContext } from '#infra/runner-network';
import { IdentityStack } from '#infra/stack';

/**
 * The CDK app (`cdk.json` runs it with tsx). Pass a custom issuer with `cdk deploy -c
 * issuer=https://id.example.com/`; without one, tokens are issued for the API's default endpoint.
 * `-c edge=true` adds per-IP and per-client rate limits at the edge (docs/rate-limits.md): a WAF
 * web ACL in a second stack, IdentityServiceEdge, which AWS requires in us-east-1, and a
 * CloudFront distribution in front of the API that uses it. Custom database scripts reach a legacy
 * store in a private network through the rules runner: `-c runnerSubnetIds=subnet-…,subnet-…
 * -c runnerSecurityGroupIds=sg-…` places it in a VPC, `-c extensionsAllowHosts=…` sets its
 * EXTENSIONS_ALLOW_HOSTS (infra/runner-network.ts, docs/deploying.md).
 */
const app = new App();

const issuer: unknown = app.node.tryGetContext('issuer');
if (issuer !== undefined && typeof issuer !== 'string') {
  throw new Error('Context "issuer" must be a string, e.g. -c issuer=https://id.example.com/');
}
const edge: unknown = app.node.tryGetContext('edge');
if (edge !== undefined && !['true', 'false', true, false].includes(edge as string)) {
  throw new Error('Context "edge" must be true or false, e.g. -c edge=true');
}
const withEdge = edge === true || edge === 'true';
const runnerNetwork = runnerNetworkFromContext((key) => app.node.tryGetContext(key));

// Environment-agnostic unless the CLI knows the account and region (it sets these from the profile).
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
if (withEdge && (!env.account || !env.region)) {
  // The web ACL's ARN crosses regions, which CDK supports only between stacks of a known account and region.
  throw new Error('-c edge=true needs the target account and region: run cdk with AWS credentials and a region configured');
}

const firewall = withEdge
  ? new EdgeFirewallStack(app, 'IdentityServiceEdge', { env: { account: env.account, region: 'us-east-1' }, crossRegionReferences: true })
  : undefined;

new IdentityStack(app, 'IdentityService', {
  env,
  issuer,
  runnerNetwork,
  ...(firewall ? { crossRegionReferences: true, edge: { webAclArn: firewall.webAcl.attrArn } } : {}),
});
