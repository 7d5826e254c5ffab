/* The Lock demo page: Auth0's Lock (global `Auth0Lock`), used as an application embeds it. */
const $ = (id) => document.getElementById(id);
/** Every Lock event, in order, for a look in the console (and for the browser tests). */
const events = (window.lockEvents = []);

const { domain, clientId, options } = await (await fetch('/lock-config.json')).json();
const lock = new Auth0Lock(clientId, domain, options);
window.lock = lock;

for (const name of ['show', 'hide', 'unrecoverable_error', 'authenticated', 'authorization_error', 'signin submit', 'signup submit', 'signup success', 'signup error']) {
  lock.on(name, (detail) => events.push({ name, detail: plain(detail) }));
}

lock.on('authenticated', (authResult) => {
  history.replaceState(null, '', location.pathname); // the tokens leave the address bar
  showResult('ok', 'Signed in: Lock emitted "authenticated"');
  lock.getUserInfo(authResult.accessToken, (error, profile) => {
    if (error) return showResult('error', `getUserInfo: ${error.error || error.code || ''} ${error.error_description || error.description || error.message || ''}`);
    window.lockProfile = profile;
    showProfile(profile);
    setReady();
  });
});
lock.on('authorization_error', (error) => {
  history.replaceState(null, '', location.pathname);
  showResult('error', `${error.error || error.code}: ${error.errorDescription || error.error_description || error.description || ''}`);
  setReady();
});

$('signup').onclick = () => lock.show({ initialScreen: 'signUp' });
$('login').onclick = () => lock.show({ initialScreen: 'login' });
$('logout').onclick = () => lock.logout({ returnTo: `${location.origin}${location.pathname}` });
for (const id of ['signup', 'login', 'logout']) $(id).disabled = false;

// Back from /authorize, Lock parses the fragment itself and emits one of the events above.
if (!/(access_token|id_token|error)=/.test(location.hash)) setReady();

function setReady() {
  $('status').textContent = window.lockProfile ? 'Signed in' : 'Signed out';
  $('status').className = window.lockProfile ? 'in' : '';
  document.body.dataset.ready = 'true';
}

function showResult(kind, message) {
  $('result').className = `result ${kind}`;
  $('result').textContent = message;
}

function showProfile(profile) {
  const dl = document.createElement('dl');
  for (const [label, value] of [['Email', profile.email], ['User id', profile.sub]]) {
    dl.append(Object.assign(document.createElement('dt'), { textContent: label }), Object.assign(document.createElement('dd'), { textContent: value ?? '' }));
  }
  const pre = Object.assign(document.createElement('pre'), { id: 'profile-json', textContent: JSON.stringify(profile, null, 2) });
  $('user').replaceChildren(dl, pre);
}

function plain(value) {
  try {
    return JSON.parse(JSON.stringify(value ?? null));
  } catch {
    return String(value);
  }
}
