import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_CLAIM } from '#infra/local/demo-spa/seed';
import { launchChromium } from '#test/support/browser';
import { lockScreenshot } from '#test/support/lock-page';
import { management, managementToken, startDemo, type RunningDemo } from '#test/e2e/browser/demo-process';

/**
 * Issue 12's "Done when", as a newcomer tries it: `npm run demo`, then its Lock page (Auth0's
 * Lock from npm, unmodified, with two extra signup fields) signs a user up, and the fields are in
 * user_metadata. Screenshots: test-artifacts/browser/lock-demo-*.png.
 */
const EMAIL = 'ada.lock@example.com';

let demo: RunningDemo;
let browser: Browser;
let lockPage: string;

beforeAll(async () => {
  [demo, browser] = await Promise.all([startDemo(), launchChromium()]);
  lockPage = (demo.info as unknown as { lockPage: string }).lockPage;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  const stopped = await demo?.stop();
  expect(stopped?.exit, `demo output:\n${demo?.output()}`).not.toBe('timeout');
  expect(stopped?.leftovers).toEqual([]);
}, 60_000);

describe("npm run demo's Lock page", () => {
  it('is announced with its application', () => {
    expect(lockPage).toBe(`${demo.info.spa}lock.html`);
    expect(demo.output()).toMatch(new RegExp(`  Lock page: +${lockPage} +\\(application "Demo Lock", client_id \\w+\\)\\n`));
  });

  it('signs a user up with Company and Newsletter: both land in user_metadata, and getUserInfo shows them', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 820 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => !/querySelector is not a function/.test(e.message) && errors.push(e.message)); // Lock's own slip: see lock.test.ts
    await page.goto(lockPage);
    await page.waitForSelector('body[data-ready]');
    await page.click('#signup');
    await page.waitForSelector('.auth0-lock input[name="company"]');
    await lockScreenshot(page, 'lock-demo-01-signup');
    await page.fill('.auth0-lock input[name="email"]', EMAIL);
    await page.fill('.auth0-lock input[name="password"]', 'Analytical-Engine-1843');
    await page.fill('.auth0-lock input[name="company"]', 'Analytical Engines Ltd');
    await page.check('.auth0-lock input[name="newsletter"]');
    await page.click('.auth0-lock-submit');
    await page.waitForSelector('#profile-json', { timeout: 20_000 });
    await lockScreenshot(page, 'lock-demo-02-signed-in');
    const profile = JSON.parse((await page.textContent('#profile-json')) ?? '{}') as Record<string, unknown>;
    expect(profile).toMatchObject({ email: EMAIL, [METADATA_CLAIM]: { company: 'Analytical Engines Ltd', newsletter: 'true' } });

    const stored = await management(demo, await managementToken(demo), 'GET', `/users-by-email?email=${encodeURIComponent(EMAIL)}`);
    expect(stored.body).toEqual([expect.objectContaining({ user_id: profile.sub, user_metadata: { company: 'Analytical Engines Ltd', newsletter: 'true' } })]);
    expect(errors).toEqual([]);
  });
});
