import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { CfnIntegration } from 'aws-cdk-lib/aws-apigatewayv2';
import { API_ROUTE_BUDGET, RESOURCE_BUDGET } from '#infra/route-groups';

/**
 * The resources each template of `root` will hold (its nested stacks' templates included), counting
 * the AWS::CDK::Metadata resource the CLI adds to each. Synth fails past RESOURCE_BUDGET, or past
 * API_ROUTE_BUDGET routes on the API (the stack registers checkResourceBudget as a validation), so
 * a route table that outgrows either stops at `cdk synth` with the reason, not at `cdk deploy`
 * halfway through CloudFormation.
 */
export function resourceCounts(root: Stack): Map<string, number> {
  const stacks = [root, ...root.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c))];
  const counts = new Map<string, number>(stacks.map((stack) => [stack.node.path, 0]));
  const withMetadata = new Set<string>();
  for (const construct of root.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    const path = Stack.of(construct).node.path;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (construct.cfnResourceType === 'AWS::CDK::Metadata') withMetadata.add(path);
  }
  // The CLI's metadata resource, where synth has not added it yet (it does when version reporting is on).
  for (const path of counts.keys()) if (!withMetadata.has(path)) counts.set(path, counts.get(path)! + 1);
  return counts;
}

export function checkResourceBudget(root: Stack): string[] {
  const templates = [...resourceCounts(root)]
    .filter(([, count]) => count > RESOURCE_BUDGET)
    .map(([path, count]) => `${path}: ${count} resources, over the budget of ${RESOURCE_BUDGET} per template (CloudFormation refuses 500); split its route group (infra/route-groups.ts)`);
  const integrations = root.node.findAll().filter((c) => c instanceof CfnIntegration).length;
  const api =
    integrations > API_ROUTE_BUDGET
      ? [`${root.node.path}: ${integrations} routes on one HTTP API, over the budget of ${API_ROUTE_BUDGET} (API Gateway allows 300 integrations per API and never more); serve a feature area from a second HTTP API (docs/deploying.md, "Stacks")`]
      : [];
  return [...templates, ...api];
}
