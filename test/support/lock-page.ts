import { freePort } from '#infra/local/dynamodb-local';
import { lockPageFiles, type LockPageConfig } from '#infra/local/demo-spa/lock-page';
import { startStaticHttps, type StaticHttps } from '#infra/local/demo-spa/static-https';
import type { Page } from 'playwright-core';
import { screenshot } from '#test/support/browser';
import type { SelfSignedCert } from '#test/support/tls-proxy';

/**
 * An application's page that embeds Lock, on an https origin of its own (another port of
 * localhost than the identity service: another origin, as a real application is). The page is
 * the demo's own (infra/local/demo-spa/lock.html), with the test's Lock options; Lock is the
 * unmodified npm package, bundled in memory when the test starts (lock-bundle.ts).
 */
export { freePort } from '#infra/local/dynamodb-local';
export { buildLockBundle } from '#infra/local/demo-spa/lock-bundle';

export const LOCK_PAGE = '/lock.html';

export interface LockPage extends StaticHttps {
  /** The page's URL, which is also Lock's default redirect URL (origin and path). */
  url: string;
}

/** `port`: known before the page starts when the application's settings must name its origin first. */
export async function startLockPage(p: { port?: number; cert: SelfSignedCert; config: LockPageConfig; bundle: Buffer }): Promise<LockPage> {
  const server = await startStaticHttps({ port: p.port ?? (await freePort()), cert: p.cert, files: lockPageFiles(p.config, p.bundle, LOCK_PAGE) });
  return { ...server, url: `${server.origin}${LOCK_PAGE}` };
}

/** A screenshot once Lock's animations (its modal opening, a message sliding in) have ended; spinners never end and are not waited for. */
export async function lockScreenshot(page: Page, name: string): Promise<void> {
  // In the page, through globalThis: this project's TypeScript has no DOM types.
  const settled = () =>
    (globalThis as any).document.getAnimations().every((a: any) => a.playState !== 'running' || a.effect.getComputedTiming().endTime === Infinity);
  await page.waitForFunction(settled, undefined, { timeout: 5_000 });
  await screenshot(page, name);
}
