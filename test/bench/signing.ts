import type { LatencySummary } from '#test/bench/stats';

/**
 * What one token's signature costs. Locally it is measured (signJwt with the table key, in the
 * logins section). In AWS the token function signs with kms:Sign, which cannot be measured from
 * here: KMS's published figures are printed instead (docs/signing-keys.md gives the sources).
 */
export const KMS_PUBLISHED = {
  /** aws.amazon.com/kms/pricing: requests on RSA_2048 keys cost as symmetric ones; other asymmetric specs 5x. */
  usdPer10kRsa2048Requests: 0.03,
  usdPer10kOtherAsymmetricRequests: 0.15,
  usdPerKeyMonth: 1,
  freeRequestsPerMonth: 20_000,
  /** KMS developer guide, request quotas: "Cryptographic operations (RSA) request rate", shared, per account and Region. */
  rsaRequestsPerSecond: 1_000,
};

/** The logins report's line on what a signature costs, here and (published) in AWS. */
export function signingCostLine(signMs: LatencySummary): string {
  const k = KMS_PUBLISHED;
  return (
    `    signing per token: here p50 ${signMs.p50.toFixed(2)} ms (table key, node:crypto); in AWS one kms:Sign (not measurable here): ` +
      `$${k.usdPer10kRsa2048Requests} per 10,000 requests on RSA_2048 ($${k.usdPer10kOtherAsymmetricRequests} other asymmetric specs; ` +
      `${k.freeRequestsPerMonth.toLocaleString('en-US')} free a month; $${k.usdPerKeyMonth}/key/month), ` +
      `quota ${k.rsaRequestsPerSecond.toLocaleString('en-US')} RSA requests/s per account and Region (~${k.rsaRequestsPerSecond / 2} logins/s at 2 tokens), ` +
      'latency a network round trip (AWS publishes no figure); a login signs its 2 tokens concurrently, so it waits for about one Sign'
  );
}
