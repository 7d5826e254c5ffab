import { App } from 'aws-cdk-lib';
import { IdentityStack } from '#infra/stack';

/**
 * The CDK app (`cdk.json` runs it with tsx). Pass a custom issuer with `cdk deploy -c
 * issuer=https://id.example.com/`; without one, tokens are issued for the API's default endpoint.
 */
const app = new App();

const issuer: unknown = app.node.tryGetContext('issuer');
if (issuer !== undefined && typeof issuer !== 'string') {
  throw new Error('Context "issuer" must be a string, e.g. -c issuer=https://id.example.com/');
}

new IdentityStack(app, 'IdentityService', {
  // Environment-agnostic unless the CLI knows the account and region (it sets these from the profile).
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  issuer,
});
