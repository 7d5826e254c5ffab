import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pageHeaders,
  renderFormPost,
  renderScreen,
  renderWebMessage,
} from '#shared/authentication/universal-login/pages/index';
import { CHROMIUM, launchChromium, sampleScreens } from '#test/support/render-screens';
import { loginModel, signupModel } from './models.ts';

/**
 * The pages in a real browser (Debian's Chromium, no network: every URL is intercepted), under
 * the headers LEAD sends: the CSP lets our nonce'd style and script run, the forms post what the
 * server expects, the phone layout fits, focus moves in order. Skipped where Chromium is absent.
 */
const LOGIN = 'https://login.example';
const APP = 'https://app.example';

describe.skipIf(!existsSync(CHROMIUM))('hosted pages in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens `html` at LOGIN with `headers`; collects console errors (CSP violations land there) and posts. */
  async function open(html: string, options: { headers?: Record<string, string>; width?: number; javaScript?: boolean } = {}) {
    const page = await browser.newPage({ viewport: { width: options.width ?? 1024, height: 800 }, javaScriptEnabled: options.javaScript ?? true });
    const errors: string[] = [];
    const posts: { url: string; body: URLSearchParams }[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/*', async (route) => {
      const request = route.request();
      if (request.method() === 'POST') {
        posts.push({ url: request.url(), body: new URLSearchParams(request.postData() ?? '') });
        return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>posted</p>' });
      }
      return route.fulfill({ status: 200, headers: options.headers ?? pageHeaders({ nonce: 'n0nce' }), body: html });
    });
    await page.goto(`${LOGIN}/u/login?state=abc`);
    return { page, errors, posts };
  }

  it('every sample page renders under its CSP without a violation or a script error', async () => {
    for (const sample of sampleScreens().filter((s) => !s.name.startsWith('login-branded'))) {
      const html = sample.html.replaceAll('sample-nonce', 'n0nce');
      const headers = sample.headers === undefined ? undefined : pageHeaders({ nonce: 'n0nce', formAction: 'any' });
      const { page, errors } = await open(html, { headers, javaScript: !sample.name.endsWith('nojs') });
      expect(errors, sample.name).toEqual([]);
      expect(await inPage<string>(page, 'getComputedStyle(document.body).display'), `${sample.name}: the nonce'd style applies`).toBe('flex');
      await page.close();
    }
  });

  it('the same check catches a page whose nonce does not match its CSP', async () => {
    const { page, errors } = await open(renderScreen(loginModel), { headers: pageHeaders({ nonce: 'other' }) });
    expect(errors.some((e) => e.includes('Content Security Policy'))).toBe(true);
    expect(await inPage<string>(page, 'getComputedStyle(document.body).display')).toBe('block');
    await page.close();
  });

  it('posts state, _csrf, the credentials and the ulp-* fields of the partials', async () => {
    const html = renderScreen({
      ...signupModel,
      partials: {
        'form-content-start': '<div class="ulp-field"><label for="full-name">Full name</label><input type="text" name="ulp-full-name" id="full-name"></div>',
        'form-footer-end': '<div class="ulp-field"><input type="checkbox" name="ulp-news" id="news" value="yes"><label for="news">Send me news</label></div>',
      },
    });
    const { page, posts } = await open(html);
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill('Str0ng!pass');
    await page.getByLabel('Send me news').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => posts.length).toBe(1);
    expect(posts[0]?.url).toBe(`${LOGIN}/u/signup?state=abc`);
    expect(Object.fromEntries(posts[0]?.body ?? [])).toEqual({
      state: 'abc',
      _csrf: 'csrf-1',
      'ulp-full-name': 'Ada Lovelace',
      email: 'ada@example.com',
      password: 'Str0ng!pass',
      'ulp-news': 'yes',
    });
    await page.close();
  });

  it("needs the redirect_uri's origin in form-action: Chromium checks the 302 that follows the POST", async () => {
    async function submit(formAction: string[] | undefined): Promise<{ reached: boolean; blocked: boolean }> {
      const page = await browser.newPage();
      const errors: string[] = [];
      let reached = false;
      page.on('console', (m) => errors.push(m.text()));
      await page.route('**/*', (route) => {
        const request = route.request();
        if (request.method() === 'POST') return route.fulfill({ status: 302, headers: { location: `${APP}/callback?code=c` } });
        if (request.url().startsWith(APP)) {
          reached = true;
          return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>app</p>' });
        }
        return route.fulfill({ status: 200, headers: pageHeaders({ nonce: 'n0nce', formAction }), body: renderScreen(loginModel) });
      });
      await page.goto(`${LOGIN}/u/login?state=abc`);
      await page.getByLabel('Email address').fill('ada@example.com');
      await page.getByLabel('Password', { exact: true }).fill('secret');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect.poll(() => reached || errors.length > 0, { timeout: 10_000 }).toBe(true);
      await page.close();
      return { reached, blocked: errors.some((e) => e.includes("form-action 'self'")) };
    }
    expect(await submit([APP])).toEqual({ reached: true, blocked: false });
    expect(await submit(undefined)).toEqual({ reached: false, blocked: true });
  });

  it("the browser holds the form until a partial's required checkbox is ticked; a partial's script does not run", async () => {
    const html = renderScreen({
      ...signupModel,
      partials: {
        'form-content-end':
          '<div class="ulp-field"><input type="checkbox" name="ulp-terms" id="terms" value="yes" required><label for="terms">I accept the terms</label></div><script>window.partialRan = true</script><p style="color:red" id="styled">x</p>',
      },
    });
    const { page, posts, errors } = await open(html);
    expect(await inPage<boolean | undefined>(page, 'window.partialRan')).toBeUndefined();
    expect(await inPage<string>(page, "getComputedStyle(document.getElementById('styled')).color")).not.toBe('rgb(255, 0, 0)');
    expect(errors.filter((e) => e.includes('Content Security Policy')).length).toBeGreaterThan(0);
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill('Str0ng!pass');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForTimeout(500);
    expect(posts).toEqual([]);
    await page.getByLabel('I accept the terms').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => posts.map((p) => p.body.get('ulp-terms'))).toEqual(['yes']);
    await page.close();
  });

  it('moves focus in reading order, with a visible focus ring, and shows the password on demand', async () => {
    const { page } = await open(renderScreen(loginModel));
    expect(await focusedId(page)).toBe('email');
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      order.push(await focusedId(page));
    }
    expect(order).toEqual(['password', 'password-toggle', 'continue', 'switch']);
    expect(await inPage<string>(page, 'getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.getByLabel('Password', { exact: true }).fill('secret');
    await page.getByRole('button', { name: 'Show password' }).click();
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Hide password' }).click();
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('password');
    await page.close();
  });

  it('announces an inline error and describes the field with it', async () => {
    const { page } = await open(renderScreen({ ...loginModel, error: { message: 'Wrong email or password.', field: 'password' } }));
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    const password = page.getByLabel('Password', { exact: true });
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await inPage<string>(page, 'document.activeElement.id')).toBe('password');
    await page.close();
  });

  it('fits a 375 px phone: no sideways scroll, a full-width card and 16 px inputs (no iOS zoom)', async () => {
    const { page } = await open(renderScreen({ ...signupModel, passwordRules: ['At least 8 characters'], partials: { 'form-content-end': '<label for=ulp-company>Company</label><input id=ulp-company name=ulp-company>' } }), { width: 375 });
    const layout = await inPage<{ scroll: number; card: number; fonts: number[]; partialLabel: string; partialWidth: number; emailWidth: number }>(
      page,
      `({
        scroll: document.documentElement.scrollWidth,
        card: document.querySelector('.card').getBoundingClientRect().width,
        fonts: [...document.querySelectorAll('input:not([type=hidden])')].map((i) => parseFloat(getComputedStyle(i).fontSize)),
        partialLabel: getComputedStyle(document.querySelector('label[for=ulp-company]')).display,
        partialWidth: document.getElementById('ulp-company').getBoundingClientRect().width,
        emailWidth: document.getElementById('email').getBoundingClientRect().width,
      })`,
    );
    expect(layout.scroll).toBeLessThanOrEqual(375);
    expect(layout.card).toBe(375);
    expect(layout.fonts.length).toBe(3);
    expect(Math.min(...layout.fonts)).toBeGreaterThanOrEqual(16);
    expect(layout.partialLabel, "a bare partial's label sits above its input, like ours").toBe('block');
    expect(layout.partialWidth).toBe(layout.emailWidth);
    await page.close();
  });

  it('works without JavaScript: no toggle button, the form still posts; form_post shows Continue', async () => {
    const { page, posts } = await open(renderScreen(loginModel), { javaScript: false });
    expect(await page.locator('#password-toggle').isVisible()).toBe(false);
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill('secret');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => posts.length).toBe(1);
    await page.close();

    const formPost = renderFormPost({ action: `${APP}/callback`, fields: { code: 'c', state: 's' }, nonce: 'n0nce' });
    const noJs = await open(formPost, { headers: pageHeaders({ nonce: 'n0nce', formAction: 'any' }), javaScript: false });
    await noJs.page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => noJs.posts.map((p) => [p.url, p.body.toString()])).toEqual([[`${APP}/callback`, 'code=c&state=s']]);
    await noJs.page.close();
  });

  it('form_post submits itself to the callback, allowed by its CSP', async () => {
    const html = renderFormPost({ action: `${APP}/callback`, fields: { code: 'c', state: 's' }, nonce: 'n0nce' });
    const { page, posts, errors } = await open(html, { headers: pageHeaders({ nonce: 'n0nce', formAction: 'any' }) });
    await expect.poll(() => posts.map((p) => p.url)).toEqual([`${APP}/callback`]);
    expect(errors).toEqual([]);
    await page.close();
  });

  /** APP frames LOGIN's web_message answer; returns the messages APP received. */
  async function framed(answer: string, frameAncestors: string[]): Promise<Page> {
    const page = await browser.newPage();
    await page.route('**/*', (route) =>
      route.request().url().startsWith(LOGIN)
        ? route.fulfill({ status: 200, headers: pageHeaders({ nonce: 'n0nce', frameAncestors }), body: answer })
        : route.fulfill({
            status: 200,
            contentType: 'text/html',
            body: `<script>window.got=[];addEventListener('message',e=>got.push({origin:e.origin,data:e.data}))</script><iframe src="${LOGIN}/authorize"></iframe>`,
          }),
    );
    await page.goto(`${APP}/`);
    return page;
  }

  it('web_message reaches the framing application, with a hostile state intact', async () => {
    const state = '</script><script>alert(1)</script>\u2028';
    const page = await framed(renderWebMessage({ targetOrigin: APP, response: { code: 'c0de', state }, nonce: 'n0nce' }), [APP]);
    await expect.poll(() => inPage<number>(page, 'window.got.length')).toBe(1);
    expect(await inPage<unknown[]>(page, 'window.got')).toEqual([
      { origin: LOGIN, data: { type: 'authorization_response', response: { code: 'c0de', state } } },
    ]);
    await page.close();
  });

  it('web_message is not framed by an origin its CSP does not name, nor posted to another origin', async () => {
    const refused = await framed(renderWebMessage({ targetOrigin: APP, response: { code: 'c0de' }, nonce: 'n0nce' }), ['https://other.example']);
    const elsewhere = await framed(renderWebMessage({ targetOrigin: 'https://other.example', response: { code: 'c0de' }, nonce: 'n0nce' }), [APP]);
    await new Promise((r) => setTimeout(r, 1000));
    for (const page of [refused, elsewhere]) {
      expect(await inPage<unknown[]>(page, 'window.got')).toEqual([]);
      await page.close();
    }
  });
});

async function focusedId(page: Page): Promise<string> {
  return inPage<string>(
    page,
    `(() => {
      const el = document.activeElement;
      if (el && el.tagName === 'BUTTON' && el.getAttribute('type') === 'submit') return 'continue';
      if (el && el.tagName === 'A') return 'switch';
      return el ? el.id : '';
    })()`,
  );
}

/** An expression evaluated in the page (a string: this project's types have no DOM). */
function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}
