import { Fn } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods, CachePolicy, Distribution, HttpVersion, OriginProtocolPolicy, OriginRequestPolicy, PriceClass, ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EDGE_SECRET_HEADER } from '#shared/http/edge-origin';

/**
 * The stack's `edge` option, in the service's own region: a CloudFront distribution in front of
 * the HTTP API, with the WAF web ACL from the us-east-1 stack (infra/edge-firewall.ts) attached.
 * Nothing is cached. CloudFront adds a generated secret to every origin request; the functions
 * refuse requests without it (they went around the WAF to the API's own endpoint) and read the
 * caller's address from CloudFront-Viewer-Address (shared/http/edge-origin.ts).
 */
export interface EdgeDistributionProps {
  api: HttpApi;
  /** ARN of the CLOUDFRONT-scope web ACL (from EdgeFirewallStack). */
  webAclArn: string;
}

export class EdgeDistribution extends Construct {
  readonly distribution: Distribution;
  /** Resolved by CloudFormation at deploy time from Secrets Manager; never a literal in the template. */
  readonly originSecret: string;
  /** https://<distribution domain>, what clients call (like the API's own endpoint, no trailing slash). */
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const secret = new Secret(this, 'OriginSecret', {
      description: 'Shared by CloudFront and the identity functions: proves a request came through the WAF',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    this.originSecret = secret.secretValue.unsafeUnwrap();
    // apiEndpoint is https://<id>.execute-api.<region>.amazonaws.com: CloudFront wants the host alone.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Identity service: WAF rate limits in front of the HTTP API',
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: new HttpOrigin(apiHost, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          customHeaders: { [EDGE_SECRET_HEADER]: this.originSecret },
        }),
        // An API answers https only: a redirect would turn a POST into a GET and lose its body.
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // Every viewer header (Authorization included) but Host, which must name the API's own domain,
        // plus CloudFront's headers, CloudFront-Viewer-Address among them.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    this.endpoint = `https://${this.distribution.distributionDomainName}`;
  }
}
