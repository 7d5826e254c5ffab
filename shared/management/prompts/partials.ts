import { tenantChanged } from '#shared/platform/cache';
import { parseBody } from '#shared/platform/validation';
import { promptPartialsKey } from '#shared/db/keys';
import { readTenantConfig, replaceTenantConfig } from '#shared/db/tenant-config-repo';
import type { PromptName, PromptPartials, ScreenPartials } from '#shared/tenant/prompts';
import { partialsBodyFor } from '#shared/management/prompts/schemas';

/**
 * GET and PUT /api/v2/prompts/{prompt}/partials. A PUT replaces all of the prompt's partials (one
 * item per prompt, written whole); `{}` or a screen sent as `{}` clears. Empty partials are not
 * kept. The hosted login reads them through shared/tenant/prompts.ts.
 */
export async function getPartials(prompt: PromptName): Promise<PromptPartials> {
  return (await readTenantConfig<PromptPartials>(promptPartialsKey(prompt), true)).value ?? {};
}

export async function putPartials(prompt: PromptName, body: Record<string, unknown>): Promise<PromptPartials> {
  const parsed = parseBody(partialsBodyFor(prompt), body) as Record<string, ScreenPartials | undefined>;
  const stored: PromptPartials = {};
  for (const [screen, partials] of Object.entries(parsed)) {
    const kept = Object.fromEntries(Object.entries(partials ?? {}).filter(([, html]) => html !== undefined && html !== ''));
    if (Object.keys(kept).length > 0) stored[screen] = kept;
  }
  await replaceTenantConfig(promptPartialsKey(prompt), stored);
  tenantChanged();
  return stored;
}
