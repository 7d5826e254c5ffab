import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium for the browser tests: Debian's package (`apt-get install chromium`), driven by
 * playwright-core, which downloads no browser. The tests' certificate is self-signed, hence
 * --ignore-certificate-errors (the browser still treats the origins as secure contexts, which
 * auth0-spa-js needs for crypto.subtle). --no-sandbox: CI runs as root in a container.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium fonts-liberation (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--ignore-certificate-errors'] });
}

/** Where the browser tests keep a screenshot of each step (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/browser/', import.meta.url));

/** Saves a full-page PNG of `page` as test-artifacts/browser/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
