import { Annotations } from 'aws-cdk-lib';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { AllowHostsError, parseAllowHosts } from '#shared/platform/net/allow-hosts';

/**
 * Where the rules runner may reach (docs/deploying.md, "The rules runner's network"): custom
 * database scripts call a legacy store, which often lives in a private network. Two independent
 * options, both from `cdk` context so synth stays offline (no VPC lookup):
 * - `runnerSubnetIds` and `runnerSecurityGroupIds` (comma-separated, both or neither): the runner
 *   Lambda runs in those subnets with those security groups (Lambda's VpcConfig takes ids only,
 *   so no VPC id is needed). It then reaches the internet only through the subnets' NAT.
 * - `extensionsAllowHosts`: the runner's EXTENSIONS_ALLOW_HOSTS, checked here with the parser the
 *   runner itself uses at cold start, so an entry the runner would refuse fails `cdk synth`
 *   instead of every login after the deploy.
 */
export interface RunnerNetwork {
  vpc?: { subnetIds: string[]; securityGroupIds: string[] };
  /** EXTENSIONS_ALLOW_HOSTS for the runner, as given (validated). */
  allowHosts?: string;
}

/** Lambda's own limits on a function's VpcConfig. */
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** What Lambda needs to make and remove the function's network interfaces in the subnets. */
const VPC_ACCESS_POLICY = 'service-role/AWSLambdaVPCAccessExecutionRole';

export class RunnerNetworkError extends Error {
  override readonly name = 'RunnerNetworkError';
}

/** The options from `cdk` context (`-c runnerSubnetIds=subnet-…,subnet-… -c …`); throws on a bad value. */
export function runnerNetworkFromContext(context: (key: string) => unknown): RunnerNetwork {
  const subnetIds = idList(context('runnerSubnetIds'), 'runnerSubnetIds', SUBNET_ID, 'subnet-0123456789abcdef0', MAX_SUBNETS);
  const securityGroupIds = idList(context('runnerSecurityGroupIds'), 'runnerSecurityGroupIds', SECURITY_GROUP_ID, 'sg-0123456789abcdef0', MAX_SECURITY_GROUPS);
  if ((subnetIds === undefined) !== (securityGroupIds === undefined)) {
    throw new RunnerNetworkError('Context "runnerSubnetIds" and "runnerSecurityGroupIds" go together: Lambda needs both to place the rules runner in a VPC');
  }
  const allowHosts = allowHostsOf(context('extensionsAllowHosts'));
  return {
    ...(subnetIds && securityGroupIds ? { vpc: { subnetIds, securityGroupIds } } : {}),
    ...(allowHosts !== undefined ? { allowHosts } : {}),
  };
}

/** Checks props given in code (tests, other apps) as the context is checked. */
export function checkRunnerNetwork(network: RunnerNetwork): void {
  const joined = (ids: string[] | undefined) => (ids === undefined ? undefined : ids.join(','));
  runnerNetworkFromContext((key) => ({
    runnerSubnetIds: joined(network.vpc?.subnetIds),
    runnerSecurityGroupIds: joined(network.vpc?.securityGroupIds),
    extensionsAllowHosts: network.allowHosts,
  })[key]);
}

/** `-c` gives strings; cdk.json may hold a list of strings instead. */
const listText = (value: unknown): unknown =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(',') : value;

function idList(given: unknown, key: string, pattern: RegExp, example: string, max: number): string[] | undefined {
  const value = listText(given);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new RunnerNetworkError(`Context "${key}" must be a comma-separated string, e.g. -c ${key}=${example}`);
  const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (ids.length === 0) throw new RunnerNetworkError(`Context "${key}" is empty; leave it out, or give e.g. -c ${key}=${example}`);
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) throw new RunnerNetworkError(`Context "${key}": "${bad.slice(0, 64)}" is not an id like ${example}`);
  if (new Set(ids).size !== ids.length) throw new RunnerNetworkError(`Context "${key}" names an id twice`);
  if (ids.length > max) throw new RunnerNetworkError(`Context "${key}" names ${ids.length} ids; Lambda takes at most ${max}`);
  return ids;
}

function allowHostsOf(given: unknown): string | undefined {
  const value = listText(given);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new RunnerNetworkError('Context "extensionsAllowHosts" must be a comma-separated string, e.g. -c extensionsAllowHosts=legacy-db.internal:443,10.0.0.0/16');
  }
  try {
    if (parseAllowHosts(value).length === 0) return undefined;
  } catch (error) {
    if (error instanceof AllowHostsError) throw new RunnerNetworkError(`Context "extensionsAllowHosts": ${error.message}`);
    throw error;
  }
  return value.trim();
}

/**
 * Applies the options to the runner: its VpcConfig (on the CloudFormation resource, since the
 * ids come without a VPC to look up) and the managed policy Lambda needs for the interfaces, and
 * EXTENSIONS_ALLOW_HOSTS as its only environment variable. Nothing else changes: still no table,
 * no key, no other AWS permission.
 */
export function applyRunnerNetwork(runner: NodejsFunction, network: RunnerNetwork): void {
  if (network.vpc) {
    (runner.node.defaultChild as CfnFunction).vpcConfig = { ...network.vpc };
    runner.role!.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName(VPC_ACCESS_POLICY));
  }
  if (network.allowHosts !== undefined) {
    runner.addEnvironment('EXTENSIONS_ALLOW_HOSTS', network.allowHosts);
    // Public addresses need no entry; what the list adds is private, which only a VPC reaches.
    if (!network.vpc) {
      Annotations.of(runner).addWarning(
        'extensionsAllowHosts is set but the rules runner is not in a VPC (runnerSubnetIds, runnerSecurityGroupIds): it cannot reach a private network',
      );
    }
  }
}
