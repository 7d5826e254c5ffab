import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import {
  renderErrorPage,
  renderFormPost,
  renderLoggedOut,
  renderScreen,
  pageHeaders,
  type ScreenModel,
} from '#shared/authentication/universal-login/pages/index';

/**
 * Renders the hosted pages with sample models into PNGs, in Debian's Chromium (playwright-core
 * downloads no browser). Run it to look at the pages after a change:
 *   npx tsx test/support/render-screens.ts [out-dir]     (default /tmp/screens)
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const base: ScreenModel = {
  screen: 'login',
  formAction: '/u/login?state=hKFo2SBsb2dpbg',
  switchUrl: '/u/signup?state=hKFo2SBsb2dpbg',
  state: 'hKFo2SBsb2dpbg',
  csrf: 'csrf-token',
  application: { name: 'Acme Notes' },
  branding: {},
  tenantName: 'Acme',
  identifier: 'email',
  values: {},
  partials: {},
  nonce: 'sample-nonce',
};

const PARTIAL_FIELDS = {
  'form-content-start':
    '<div class="ulp-field"><label for="full-name">Full name</label><input type="text" name="ulp-full-name" id="full-name" autocomplete="name"></div>',
  'form-content-end':
    '<div class="ulp-field"><input type="checkbox" name="ulp-terms" id="terms" value="yes"><label for="terms">I agree to the <a href="https://example.com/terms">Terms of service</a></label></div>',
};

/** The `fair` policy, as the signup handler passes it (describePolicy's lines, nesting kept). */
/** A partial as administrators often write it: a bare label and input, no wrapper, no classes. */
const BARE_PARTIAL = '<label for=ulp-company>Company</label><input id=ulp-company name=ulp-company>';

const RULES = ['At least 8 characters in length', 'Should contain:', ' lower case letters (a-z)', ' upper case letters (A-Z)', ' numbers (i.e. 0-9)'];

export interface SampleScreen {
  name: string;
  html: string;
  width: number;
  /** Headers as LEAD sends them (pageHeaders); the default is the screens' (form-action 'self'). */
  headers?: Record<string, string>;
}

/** The pages are served from this (intercepted) origin, so their CSP applies as in production. */
const ORIGIN = 'https://login.example';

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" width="180" height="52" viewBox="0 0 180 52"><rect x="2" y="6" width="40" height="40" rx="10" fill="#0f766e"/><path d="M12 36V16l20 20V16" stroke="#fff" stroke-width="4" fill="none" stroke-linejoin="round"/><text x="52" y="34" font-family="Arial, sans-serif" font-size="22" font-weight="700" fill="#0b1f33">Northwind</text></svg>';

export function sampleScreens(): SampleScreen[] {
  return [
    { name: 'login', width: 1024, html: renderScreen(base) },
    {
      name: 'login-error',
      width: 1024,
      html: renderScreen({ ...base, values: { email: 'ada@example.com' }, error: { message: 'Wrong email or password.', field: 'password' } }),
    },
    {
      name: 'signup-rules',
      width: 1024,
      html: renderScreen({
        ...base,
        screen: 'signup',
        formAction: '/u/signup?state=x',
        switchUrl: '/u/login?state=x',
        identifier: 'email+username',
        passwordRules: RULES,
        partials: PARTIAL_FIELDS,
      }),
    },
    {
      name: 'signup-action-error',
      width: 1024,
      html: renderScreen({
        ...base,
        screen: 'signup',
        switchUrl: '/u/login?state=x',
        passwordRules: RULES,
        partials: { ...PARTIAL_FIELDS, 'form-content-end': `${BARE_PARTIAL}${PARTIAL_FIELDS['form-content-end']}` },
        values: { email: 'ada@example.com', 'ulp-full-name': 'Ada Lovelace', 'ulp-terms': 'yes', 'ulp-company': 'Analytical Engines' },
        error: { message: 'Please tell us which team you are in.' },
      }),
    },
    { name: 'login-phone', width: 375, html: renderScreen({ ...base, error: { message: 'Wrong email or password.', field: 'password' } }) },
    {
      name: 'signup-phone',
      width: 375,
      html: renderScreen({ ...base, screen: 'signup', switchUrl: '/u/login?state=x', passwordRules: RULES, partials: PARTIAL_FIELDS }),
    },
    {
      name: 'login-branded',
      width: 1024,
      html: renderScreen({
        ...base,
        application: { name: 'Northwind Portal', logo_uri: `${ORIGIN}/logo.svg` },
        branding: { primary_color: '#0f766e', page_background: '#0b1f33' },
        tenantName: 'Northwind',
      }),
    },
    { name: 'login-yellow', width: 1024, html: renderScreen({ ...base, branding: { primary_color: '#ffd400' }, application: { name: 'Sunny' } }) },
    {
      name: 'error-page',
      width: 1024,
      html: renderErrorPage({
        title: 'Callback URL mismatch',
        message: 'The provided redirect_uri is not in the list of allowed callback URLs. Add it to the application\'s Allowed Callback URLs.',
        code: 'invalid_request',
        nonce: 'sample-nonce',
      }),
    },
    { name: 'logged-out', width: 1024, html: renderLoggedOut({ nonce: 'sample-nonce', tenantName: 'Acme' }) },
    {
      name: 'form-post-nojs',
      width: 1024,
      html: renderFormPost({ action: 'https://app.example.com/callback', fields: { code: 'abc', state: 'xyz' }, nonce: 'sample-nonce' }),
      headers: pageHeaders({ nonce: 'sample-nonce', formAction: 'any' }),
    },
  ];
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** Writes `<name>.png` for each sample into `outDir`; returns the paths. */
export async function renderScreenshots(outDir: string, screens = sampleScreens()): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const paths: string[] = [];
    for (const screen of screens) {
      const page = await browser.newPage({ viewport: { width: screen.width, height: screen.width < 500 ? 740 : 820 }, javaScriptEnabled: !screen.name.endsWith('nojs') });
      await page.route(`${ORIGIN}/**`, (route) =>
        new URL(route.request().url()).pathname === '/logo.svg'
          ? route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO })
          : route.fulfill({ status: 200, headers: screen.headers ?? pageHeaders({ nonce: 'sample-nonce' }), body: screen.html }),
      );
      await page.goto(`${ORIGIN}/u/${screen.name}`, { waitUntil: 'load' });
      const path = join(outDir, `${screen.name}.png`);
      await page.screenshot({ path, fullPage: true });
      await page.close();
      paths.push(path);
    }
    return paths;
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const out = process.argv[2] ?? '/tmp/screens';
  renderScreenshots(out).then(
    (paths) => console.log(paths.join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
