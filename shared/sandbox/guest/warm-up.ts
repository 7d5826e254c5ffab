import type { LoginExtensionInput } from '#shared/sandbox/contract';
import { runLogin } from '#shared/sandbox/guest/run-login';

/**
 * One throwaway login (a rule and an action), run while the runner Lambda initialises: V8
 * compiles the interpreter's wasm lazily, and in the bundled runner the first login after loading
 * took 40–75 ms (later ones ~3 ms); after this warm-up it took 3–20 ms on a busy machine. Init
 * runs before any user waits.
 */
const WARM_UP: LoginExtensionInput = {
  rules: [{ id: 'warm-up', name: 'warm-up', script: 'function (user, context, callback) { context.idToken.n = 1; callback(null, user, context); }' }],
  actions: [{ id: 'warm-up', name: 'warm-up', code: "exports.onExecutePostLogin = async (event, api) => { api.user.setUserMetadata('n', 1); };", secrets: {} }],
  configuration: {},
  user: { user_id: 'warm-up', user_metadata: {}, app_metadata: {} },
  context: {
    tenant: 'warm-up', clientID: '', clientName: '', clientMetadata: {}, connection: '', connectionID: '', connectionStrategy: '',
    protocol: 'oauth2-password', request: { ip: '', hostname: '', query: {}, body: {} }, stats: { loginsCount: 1 },
    sessionID: '', authentication: { methods: [] }, scope: [],
  },
  domain: 'warm-up',
  limits: { totalMs: 5_000, memoryBytes: 8 * 1024 * 1024 },
};

export async function warmUp(): Promise<void> {
  await runLogin(WARM_UP, { allow: [], reserved: [] }); // it fetches nothing
}
