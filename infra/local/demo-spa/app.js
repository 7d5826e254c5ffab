/* The demo SPA: Auth0's auth0-spa-js browser build (global `auth0`), used as any SPA uses it. */
'use strict';

const METADATA_CLAIM = 'https://demo/user_metadata';
const OPTIONS_KEY = 'demo-spa-options';
const $ = (id) => document.getElementById(id);

/** config.json, then what this tab saved, then the query: the query's options survive the login redirect. */
async function loadOptions() {
  const defaults = await (await fetch('/config.json')).json();
  const saved = JSON.parse(sessionStorage.getItem(OPTIONS_KEY) || '{}');
  const query = new URLSearchParams(location.search);
  for (const key of ['domain', 'clientId', 'audience', 'cacheLocation']) if (query.has(key)) saved[key] = query.get(key);
  if (query.has('useRefreshTokens')) saved.useRefreshTokens = query.get('useRefreshTokens') === 'true';
  sessionStorage.setItem(OPTIONS_KEY, JSON.stringify(saved));
  return { useRefreshTokens: false, cacheLocation: 'memory', ...defaults, ...saved };
}

function createClient(o) {
  return auth0.createAuth0Client({
    domain: o.domain,
    clientId: o.clientId,
    useRefreshTokens: o.useRefreshTokens,
    cacheLocation: o.cacheLocation,
    authorizationParams: { redirect_uri: `${location.origin}/`, ...(o.audience ? { audience: o.audience } : {}) },
  });
}

function showResult(kind, message, detail) {
  $('result').className = `result ${kind}`;
  $('result').textContent = message;
  $('result-detail').hidden = detail === undefined;
  $('result-detail').textContent = detail === undefined ? '' : JSON.stringify(detail, null, 2);
}

const showError = (error) =>
  showResult('error', error.error ? `${error.error}: ${error.error_description || error.message}` : String(error.message || error));

function decodeJwt(token) {
  const part = token.split('.')[1];
  if (!part) return undefined; // an opaque token
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
}

function row(list, label, value) {
  if (value === undefined || value === null || value === '') return;
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  dt.textContent = label;
  dd.textContent = typeof value === 'string' ? value : JSON.stringify(value);
  list.append(dt, dd);
}

function renderUser(user) {
  const box = $('user');
  box.replaceChildren();
  if (!user) {
    box.innerHTML = '<p class="empty">Not signed in.</p>';
    return;
  }
  const head = document.createElement('div');
  head.className = 'profile';
  // The initial, replaced by the picture once it has loaded (a Gravatar needs the network).
  const img = document.createElement('div');
  img.className = 'avatar';
  img.textContent = (user.name || user.email || '?').slice(0, 1).toUpperCase();
  if (user.picture) {
    const picture = new Image();
    picture.alt = '';
    picture.onload = () => img.replaceChildren(picture);
    picture.src = user.picture;
  }
  const text = document.createElement('div');
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = user.name || user.email || user.sub;
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = user.sub;
  text.append(name, meta);
  head.append(img, text);
  const facts = document.createElement('dl');
  row(facts, 'Email', user.email && `${user.email}${user.email_verified ? ' (verified)' : ''}`);
  const metadata = user[METADATA_CLAIM];
  if (metadata && typeof metadata === 'object') for (const [key, value] of Object.entries(metadata)) row(facts, `user_metadata.${key}`, value);
  const json = document.createElement('pre');
  json.id = 'user-json';
  json.textContent = JSON.stringify(user, null, 2);
  box.append(head, facts, json);
}

async function refresh(client) {
  const signedIn = await client.isAuthenticated();
  $('status').textContent = signedIn ? 'Signed in' : 'Signed out';
  $('status').className = signedIn ? 'in' : '';
  $('logout').disabled = !signedIn;
  renderUser(signedIn ? await client.getUser() : undefined);
}

function fillSettings(o) {
  for (const key of ['domain', 'clientId', 'audience', 'cacheLocation']) $(`opt-${key}`).value = o[key] || '';
  $('opt-useRefreshTokens').checked = Boolean(o.useRefreshTokens);
  $('settings').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams(new FormData($('settings')));
    query.set('useRefreshTokens', String($('opt-useRefreshTokens').checked));
    location.assign(`/?${query}`);
  });
}

async function main() {
  const options = await loadOptions();
  fillSettings(options);
  const client = await createClient(options);
  const query = new URLSearchParams(location.search);
  if (query.has('state') && (query.has('code') || query.has('error'))) {
    try {
      const { appState } = await client.handleRedirectCallback();
      showResult('ok', `Signed in (handleRedirectCallback)${appState ? `; appState ${JSON.stringify(appState)}` : ''}`);
    } catch (error) {
      showError(error);
    }
    history.replaceState(null, '', '/');
  }
  $('signup').onclick = () => client.loginWithRedirect({ authorizationParams: { screen_hint: 'signup' } });
  $('login').onclick = () => client.loginWithRedirect();
  $('logout').onclick = () => client.logout({ logoutParams: { returnTo: `${location.origin}/` } });
  $('token').onclick = async () => {
    showResult('', 'Asking for a token…');
    try {
      // cacheMode 'off' goes to the server: a refresh grant with useRefreshTokens, else the hidden iframe.
      const answer = await client.getTokenSilently({ cacheMode: 'off', detailedResponse: true });
      const how = options.useRefreshTokens ? 'refresh token' : 'hidden iframe (prompt=none)';
      showResult('ok', `New token via ${how}, expires in ${answer.expires_in} s`, {
        access_token: decodeJwt(answer.access_token) ?? '(opaque)', id_token: decodeJwt(answer.id_token), scope: answer.scope,
      });
    } catch (error) {
      showError(error);
    }
    await refresh(client);
  };
  for (const id of ['signup', 'login', 'token']) $(id).disabled = false;
  await refresh(client);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  $('status').textContent = 'Error';
  showError(error);
  document.body.dataset.ready = 'error';
});
