import { runLogin } from '#shared/extensions/sandbox/run-login';
import { loginInput, rule } from '#test/unit/extensions/login-input';
const heavy = rule('heavy', "function (user, context, callback) { const big = []; for (let i = 0; i < 20; i++) big.push('y'.repeat(1e6) + i); const s = 'x'.repeat(100000); while (true) s.split('').join(''); }");
const rss = () => (process.memoryUsage().rss / 1e6).toFixed(0);
for (let i = 0; i < 25; i++) {
  const out = await runLogin(loginInput({ rules: [heavy], limits: { totalMs: 50, memoryBytes: 48 << 20 } }), { allowPrivateNetwork: true });
  if (out.outcome !== 'error') throw new Error('x');
  (globalThis as { gc?: () => void }).gc?.();
  if (i % 5 === 4) console.log(i + 1, 'rss MB', rss(), (out as { error: string }).error);
}
