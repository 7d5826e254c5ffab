import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { withDbMetrics } from '#shared/db/metrics';
import { tenantChanged } from '#shared/platform/cache';
import { loadBranding } from '#shared/tenant/branding';
import { loadScreenPartials } from '#shared/tenant/prompts';
import { loadTenantSettings } from '#shared/tenant/settings';

/**
 * What the hosted login pays for its configuration: one GetItem per item on a cold cache, nothing
 * while warm (never-set items included: `{}` is kept), and a write seen at once in this process.
 */
const loadAll = () => Promise.all([loadBranding(), loadScreenPartials('login'), loadTenantSettings()]);

describe('tenant configuration read side', () => {
  it('reads each item with one GetItem when cold, then nothing; never-set items are cached as {}', async () => {
    tenantChanged();
    const cold = await withDbMetrics(loadAll);
    expect(cold.result).toEqual([{}, {}, {}]);
    expect(cold.metrics.commands).toEqual(['GetItem', 'GetItem', 'GetItem']);
    const warm = await withDbMetrics(loadAll);
    expect(warm.metrics.commands).toEqual([]);
    expect(warm.metrics.readUnits).toBe(0);
  });

  it('sees a write through the Management API at once, and answers copies callers cannot change', async () => {
    await loadAll();
    await call('branding-update', { scopes: ['update:branding'], body: { colors: { primary: '#123456' } } });
    await call('prompts-partials-put', { scopes: ['update:prompts'], params: { prompt: 'login' }, body: { login: { 'form-footer-end': '<p>hi</p>' } } });
    await call('tenant-settings-update', { scopes: ['update:tenant_settings'], body: { friendly_name: 'Shop', session_lifetime: 12 } });
    const [branding, partials, settings] = await loadAll();
    expect(branding).toEqual({ colors: { primary: '#123456' } });
    expect(partials).toEqual({ 'form-footer-end': '<p>hi</p>' });
    expect(settings).toEqual({ friendly_name: 'Shop', session_lifetime: 12 });

    branding.colors!.primary = '#000000';
    partials['form-footer-end'] = 'changed';
    settings.friendly_name = 'changed';
    expect(await loadAll()).toEqual([{ colors: { primary: '#123456' } }, { 'form-footer-end': '<p>hi</p>' }, { friendly_name: 'Shop', session_lifetime: 12 }]);
  });
});
