import { NestedStack, type NestedStackProps } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnIntegration } from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { pascal, routeFunction } from '#infra/lambda';
import type { RouteGroup } from '#infra/route-groups';
import type { RouteDef } from '#shared/http/routes';

export interface RouteGroupStackProps extends NestedStackProps {
  group: RouteGroup;
  routes: readonly RouteDef[];
  api: IHttpApi;
  tableName: string;
  issuer: string;
  /** The route's role: one per access profile, made in the root stack. */
  roleFor: (route: RouteDef) => IRole;
  /** Further environment of a route's function (the runner's name, the key's ARN...). */
  environmentFor: (route: RouteDef) => Record<string, string>;
}

/**
 * One feature group's route functions (docs/deploying.md, "Stacks"): per route, its function, log
 * group, API Gateway integration and invoke permission, four resources. The API route itself stays
 * in the root stack and targets the integration here, so moving a route to another group is an
 * in-place update of that route's target, never a delete and re-create of the route.
 *
 * Everything this stack uses from the root (the API's id, the table's name, the roles' ARNs, the
 * runner's name) arrives as a parameter of the nested stack, and the root reads back only the
 * integrations' ids: no Fn::ImportValue, so no export can pin a deploy order.
 */
export class RouteGroupStack extends NestedStack {
  readonly functions = new Map<string, NodejsFunction>();
  readonly integrations = new Map<string, CfnIntegration>();

  constructor(scope: Construct, id: string, props: RouteGroupStackProps) {
    super(scope, id, { ...props, description: `Identity service: the ${props.group} routes' functions` });
    for (const route of props.routes) {
      const name = pascal(route.id);
      const fn = routeFunction(this, route, name, { tableName: props.tableName, issuer: props.issuer, role: props.roleFor(route) });
      for (const [key, value] of Object.entries(props.environmentFor(route))) fn.addEnvironment(key, value);
      const integration = new CfnIntegration(this, `${name}Integration`, {
        apiId: props.api.apiId,
        integrationType: 'AWS_PROXY',
        integrationUri: fn.functionArn,
        payloadFormatVersion: '2.0',
      });
      // Only this API may invoke the function, for this path (any stage and method, as CDK's own integration grants).
      fn.addPermission(`${name}Invoke`, {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        action: 'lambda:InvokeFunction',
        sourceArn: this.formatArn({ service: 'execute-api', resource: props.api.apiId, resourceName: `*/*${route.path}` }),
      });
      this.functions.set(route.id, fn);
      this.integrations.set(route.id, integration);
    }
  }
}
