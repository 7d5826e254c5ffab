/**
 * What `npm run demo` sets up, through the Management API only (as an administrator would, with
 * the bootstrap credentials), idempotently: run it on every start and it converges on
 *  - the "Demo SPA" application (public: no secret; callbacks, web origins and logout URLs = the
 *    SPA's origin, so they follow the port the demo runs on);
 *  - a signup partial adding a Company field (`ulp-company`);
 *  - a pre-user-registration Action keeping it in user_metadata (and refusing an empty one with
 *    api.validation.error, which the page shows inline); from Lock's signup the company arrives
 *    in user_metadata already (an additionalSignUpFields field), and the Action keeps it the same;
 *  - a post-login Action putting user_metadata in the ID token under a namespaced claim.
 * Actions already bound to those triggers stay bound.
 * And, for the Lock page (seedDemoLock): the "Demo Lock" application, enabled on the database
 * connection, with cross-origin authentication on.
 */
export const DEMO_APP_NAME = 'Demo SPA';
export const DEMO_LOCK_APP_NAME = 'Demo Lock';
/** Where the SPA's origin serves the Lock page (also Lock's redirect URL: the page's origin and path). */
export const LOCK_PAGE_PATH = '/lock.html';
export const METADATA_CLAIM = 'https://demo/user_metadata';

export const SIGNUP_PARTIAL = '<label for=ulp-company>Company</label><input id=ulp-company name=ulp-company>';

export const DEMO_ACTIONS = {
  'pre-user-registration': {
    name: 'Demo: keep the company',
    version: 'v2',
    code: `exports.onExecutePreUserRegistration = async (event, api) => {
  const company = String(event.request.body['ulp-company'] ?? event.user.user_metadata?.company ?? '').trim();
  if (!company) return api.validation.error('company_required', 'Please tell us your company.');
  api.user.setUserMetadata('company', company);
};
`,
  },
  'post-login': {
    name: 'Demo: user_metadata in the ID token',
    version: 'v3',
    code: `exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('${METADATA_CLAIM}', event.user.user_metadata ?? {});
};
`,
  },
} as const;

type Json = any; // a Management API answer

export interface DemoSeed {
  clientId: string;
  actions: Record<keyof typeof DEMO_ACTIONS, string>;
}

/**
 * `base` is where the service answers (its plain http port is enough), `management` the bootstrap
 * credentials, `spaOrigin` the SPA's https origin.
 */
export async function seedDemoTenant(p: {
  base: string;
  management: { client_id: string; client_secret: string; audience: string };
  spaOrigin: string;
}): Promise<DemoSeed> {
  const api = await managementApi(p.base, p.management);
  const clientId = await ensureSpaApplication(api, p.spaOrigin);
  await api('PUT', '/prompts/signup/partials', { signup: { 'form-content-end': SIGNUP_PARTIAL } });
  const actions = {} as Record<keyof typeof DEMO_ACTIONS, string>;
  for (const trigger of Object.keys(DEMO_ACTIONS) as (keyof typeof DEMO_ACTIONS)[]) {
    actions[trigger] = await ensureBoundAction(api, trigger);
  }
  return { clientId, actions };
}

/**
 * The Lock page's application: public, implicit (Lock's default `response_type=token` when no
 * redirectUrl is given), cross-origin authentication on, the page's origin allowed for CORS, and
 * enabled on the database connection Lock signs up into. Returns its client_id.
 */
export async function seedDemoLock(p: {
  base: string;
  management: { client_id: string; client_secret: string; audience: string };
  spaOrigin: string;
  connection: string;
}): Promise<string> {
  const api = await managementApi(p.base, p.management);
  const page = `${p.spaOrigin}${LOCK_PAGE_PATH}`;
  const settings = {
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    callbacks: [page],
    web_origins: [p.spaOrigin],
    allowed_origins: [p.spaOrigin],
    allowed_logout_urls: [page],
    grant_types: ['implicit', 'authorization_code'],
    cross_origin_authentication: true,
  };
  const found = await findAll(api, '/clients?fields=client_id,name&include_totals=true', 'clients', (c) => c.name === DEMO_LOCK_APP_NAME);
  const clientId = found
    ? ((await api('PATCH', `/clients/${found.client_id}`, settings)).client_id as string)
    : ((await api('POST', '/clients', { name: DEMO_LOCK_APP_NAME, ...settings })).client_id as string);
  const [connection] = (await api('GET', `/connections?name=${encodeURIComponent(p.connection)}`)) as Json[];
  if (!connection) throw new Error(`no connection named ${p.connection}`);
  if (!(connection.enabled_clients as string[]).includes(clientId)) {
    await api('PATCH', `/connections/${connection.id}`, { enabled_clients: [...connection.enabled_clients, clientId] });
  }
  return clientId;
}

type Api = (method: string, path: string, body?: unknown) => Promise<Json>;

async function managementApi(base: string, m: { client_id: string; client_secret: string; audience: string }): Promise<Api> {
  const tokenRes = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: m.client_id, client_secret: m.client_secret, audience: m.audience }),
  });
  const token = (await tokenRes.json()) as Json;
  if (tokenRes.status === 403) {
    // The bootstrap client's grant names the audience of the issuer the data directory was made with.
    throw new Error(`Management token refused (${JSON.stringify(token)}): was this data directory made with another issuer (DEMO_AUTH_PORT)? Use that port, or another DEMO_DATA_DIR.`);
  }
  if (tokenRes.status !== 200) throw new Error(`Management token: ${tokenRes.status} ${JSON.stringify(token)}`);
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token.access_token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} /api/v2${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

async function ensureSpaApplication(api: Api, spaOrigin: string): Promise<string> {
  const settings = {
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    callbacks: [`${spaOrigin}/`],
    web_origins: [spaOrigin],
    allowed_logout_urls: [`${spaOrigin}/`, spaOrigin],
    grant_types: ['authorization_code', 'refresh_token'],
  };
  const found = await findAll(api, '/clients?fields=client_id,name&include_totals=true', 'clients', (c) => c.name === DEMO_APP_NAME);
  if (found) {
    await api('PATCH', `/clients/${found.client_id}`, settings);
    return found.client_id as string;
  }
  const created = await api('POST', '/clients', { name: DEMO_APP_NAME, ...settings });
  return created.client_id as string;
}

/** Creates (or updates and redeploys, when its code changed) the demo's action, and binds it once. */
async function ensureBoundAction(api: Api, trigger: keyof typeof DEMO_ACTIONS): Promise<string> {
  const want = DEMO_ACTIONS[trigger];
  const listed = await api('GET', `/actions/actions?actionName=${encodeURIComponent(want.name)}`);
  let action = (listed.actions as Json[]).find((a) => a.name === want.name);
  if (!action) {
    action = await api('POST', '/actions/actions', {
      name: want.name, supported_triggers: [{ id: trigger, version: want.version }], code: want.code, deploy: true,
    });
  } else if (action.code !== want.code || !action.all_changes_deployed) {
    await api('PATCH', `/actions/actions/${action.id}`, { code: want.code });
    await api('POST', `/actions/actions/${action.id}/deploy`);
  }
  const bound = await api('GET', `/actions/triggers/${trigger}/bindings?per_page=100`);
  const bindings = bound.bindings as Json[];
  if (!bindings.some((b) => b.action.id === action.id)) {
    const keep = bindings.map((b) => ({ ref: { type: 'binding_id', value: b.id } }));
    await api('PATCH', `/actions/triggers/${trigger}/bindings`, {
      bindings: [...keep, { ref: { type: 'action_id', value: action.id }, display_name: want.name }],
    });
  }
  return action.id as string;
}

/** Pages through a Management list (include_totals form) until `match` finds an item. */
async function findAll(api: Api, path: string, key: string, match: (item: Json) => boolean): Promise<Json | undefined> {
  for (let page = 0; ; page++) {
    const res = await api('GET', `${path}&per_page=100&page=${page}`);
    const items = res[key] as Json[];
    const hit = items.find(match);
    if (hit || items.length < 100) return hit;
  }
}
