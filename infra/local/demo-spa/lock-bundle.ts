import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * Auth0 Lock from npm (auth0-lock 14.3.0, unmodified) bundled for a browser page, in memory, when
 * the demo or a test starts: nothing built is ever committed. The entry puts `Auth0Lock` on
 * `window`, as Auth0's CDN build does. Lock's lib/ is CommonJS; the auth0-js it requires resolves
 * to auth0-js's own ES build, because its `main` (a UMD file) does not bundle cleanly.
 *
 * Lock fetches its dictionary from `<languageBaseUrl>/js/lock/<version>/<lang>.js` (Auth0's CDN by
 * default) unless one is registered, even for English; that file only calls
 * `Auth0.registerLanguageDictionary`. The entry makes that call with Lock's own English, so the
 * page needs no CDN (and its CSP need not allow one).
 */
const auth0Js = fileURLToPath(import.meta.resolve('auth0-js/dist/auth0.min.esm.js'));
const root = fileURLToPath(new URL('../../..', import.meta.url));

const ENTRY = `import { Auth0Lock } from 'auth0-lock';
import en from 'auth0-lock/lib/i18n/en';
window.Auth0.registerLanguageDictionary('en', en);
window.Auth0Lock = Auth0Lock;
`;

export async function buildLockBundle(): Promise<Buffer> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    // Exactly `auth0-js` (esbuild's alias would also rewrite `auth0-js/dist/...`, which Lock requires too).
    plugins: [{ name: 'auth0-js-esm', setup: (b) => void b.onResolve({ filter: /^auth0-js$/ }, () => ({ path: auth0Js })) }],
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}
