import { runLogin } from '#shared/extensions/sandbox/run-login';
import { withHardDeadline } from '#shared/extensions/sandbox/hard-deadline';
import { loginInput, rule } from '#test/unit/extensions/login-input';

const small = [
  rule('copy-claims', `function (user, context, callback) {
    const namespace = 'https://myapp.example.com/';
    context.idToken[namespace + 'favorite_color'] = user.user_metadata.favorite_color;
    context.idToken[namespace + 'preferred_contact'] = user.user_metadata.preferred_contact;
    callback(null, user, context);
  }`),
  rule('plan', `function (user, context, callback) {
    user.app_metadata = user.app_metadata || {};
    context.accessToken['https://myapp.example.com/plan'] = user.app_metadata.plan || 'free';
    callback(null, user, context);
  }`),
  rule('first-login', `function (user, context, callback) {
    if (context.stats.loginsCount > 1) return callback(null, user, context);
    auth0.users.updateUserMetadata(user.user_id, Object.assign({}, user.user_metadata, { onboarded: false }))
      .then(() => callback(null, user, context)).catch(callback);
  }`),
];
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
async function measure(label: string, rules: typeof small, n: number) {
  const input = loginInput({ rules });
  for (let i = 0; i < 50; i++) await runLogin(input, { allowPrivateNetwork: true });
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const out = await runLogin(input, { allowPrivateNetwork: true });
    times.push(performance.now() - t);
    if (out.outcome !== 'allow') throw new Error(JSON.stringify(out));
  }
  const total = performance.now() - t0;
  console.log(`${label}: p50 ${q(times, 0.5).toFixed(2)} ms, p90 ${q(times, 0.9).toFixed(2)} ms, p99 ${q(times, 0.99).toFixed(2)} ms, ${(n / (total / 1000)).toFixed(0)} logins/s`);
}
const g: number[] = [];
for (let i = 0; i < 500; i++) { const t = performance.now(); withHardDeadline(performance.now() + 1000, () => 1); g.push(performance.now() - t); }
console.log(`hard-deadline guard per call: p50 ${(q(g, 0.5) * 1000).toFixed(0)} µs`);
await measure('0 rules', [], 1000);
await measure('1 rule (docs)', small.slice(0, 1), 1000);
await measure('3 small rules', small, 1000);
await measure('0 rules', [], 1000);
await measure('3 small rules', small, 1000);
