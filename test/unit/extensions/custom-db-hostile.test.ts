import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as lambdaHandler } from '#functions/sandbox/run-extensions';
import { JANE, startLegacyStore, type LegacyStore } from '#infra/local/legacy-store/server';
import type { CustomDbOutput } from '#shared/sandbox/contract';
import { allowingHosts, sandboxNetworkPolicy, type NetworkPolicy } from '#shared/sandbox/guest/network-policy';
import { quickJS, WASM_MAX_BYTES } from '#shared/sandbox/guest/quickjs';
import { WorkerPool } from '#shared/sandbox/pool/worker-pool';
import { customDbInput, failed, runScript } from '#test/unit/extensions/custom-db-input';

/**
 * Custom database scripts that try to hurt the service: loops, memory, host CPU through bcrypt,
 * the network (loopback without the allow-list, a metadata address whatever the allow-list), and
 * the same in the worker pool `npm start` uses and through the runner Lambda's handler.
 *
 * Timing bounds are generous (a shared 2-core machine): a missing limit shows as the whole
 * budget or far beyond it, not as a few hundred ms.
 */
const ARGS = ['jane.doe@example.com', 'pw'];
const LATE_MS = 1_500;
const timeout = (ms: number) => failed('login', `Script 'login' did not finish within its time budget of ${ms} ms`);

async function timed(run: () => Promise<CustomDbOutput>) {
  const started = performance.now();
  return { output: await run(), ms: performance.now() - started };
}

let server: Server;
let hits = 0;
let local: string;

beforeAll(async () => {
  server = createServer((_req, res) => void (hits += 1, res.writeHead(200).end('{}')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const requesting = (url: string) => `function login(email, password, callback) {
  require('request').get({ url: ${JSON.stringify(url)}, json: true }, function (err, response) {
    if (err) return callback(err);
    callback(null, { user_id: 'reached', email: email });
  });
}`;

describe('custom database scripts: time and memory', () => {
  it('ends a spinning script at its budget', async () => {
    const { output, ms } = await timed(() => runScript('login', 'function (e, p, cb) { while (true) {} }', ARGS, undefined, { limits: { totalMs: 1_000, memoryBytes: 32 * 1024 * 1024 } }));
    expect(output).toEqual(timeout(1_000));
    expect(ms).toBeLessThan(1_000 + LATE_MS);
  });

  it('ends a script that waits forever (a pending fetch) at its budget', async () => {
    const slow = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
    try {
      const { output, ms } = await timed(() => runScript('login', requesting(url), ARGS, allowingHosts([new URL(url).host]), { limits: { totalMs: 1_000, memoryBytes: 32 * 1024 * 1024 } }));
      expect(output).toEqual(timeout(1_000));
      expect(ms).toBeLessThan(1_000 + LATE_MS);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('fails a memory bomb at the memory cap, of strings or of typed arrays, and the next call works', async () => {
    const strings = `function (e, p, cb) { var big = 'x'.repeat(1 << 20), kept = []; for (;;) kept.push(big + kept.length); }`;
    expect(await runScript('login', strings, ARGS)).toEqual(failed('login', "Script 'login' exceeded the memory limit of 32 MiB"));
    // Each array is under QuickJS's own limit, which cannot count them: the wasm memory's cap stops them.
    const arrays = `function (e, p, cb) { var kept = []; for (;;) kept.push(new Uint8Array(1 << 20)); }`;
    expect(await runScript('login', arrays, ARGS, undefined, { limits: { totalMs: 10_000, memoryBytes: 32 * 1024 * 1024 } })).toEqual(
      failed('login', "Script 'login' exceeded the memory limit of 32 MiB"),
    );
    expect(await runScript('login', 'function (e, p, cb) { cb(null, { user_id: 1 }); }', ARGS)).toEqual({ outcome: 'done', value: { user_id: 1 }, logs: [] });
    // The grown instance was let go after the bomb: the next call ran in a new, small one.
    expect((await quickJS()).getWasmMemory().buffer.byteLength).toBeLessThan(WASM_MAX_BYTES / 2);
  }, 30_000);

  it('fails a value larger than the runner can return', async () => {
    const big = `function (e, p, cb) { cb(null, { user_id: '1', blob: 'x'.repeat(5 * 1024 * 1024) }); }`;
    expect(await runScript('login', big, ARGS, undefined, { limits: { totalMs: 5_000, memoryBytes: 64 * 1024 * 1024 } })).toEqual(
      failed('login', "Script 'login' produced a result larger than 4194304 characters"),
    );
  });

  it('stops a loop of synchronous bcrypt at the cost cap and the budget (host CPU the interpreter cannot interrupt)', async () => {
    const loop = `function (e, p, cb) { var b = require('bcrypt'); for (;;) b.hashSync('x', 12); }`;
    const { output, ms } = await timed(() => runScript('login', loop, ARGS, undefined, { limits: { totalMs: 1_000, memoryBytes: 32 * 1024 * 1024 } }));
    expect(output).toEqual(timeout(1_000));
    expect(ms).toBeLessThan(1_000 + LATE_MS);
  });

  it('bounds asynchronous bcrypt calls: at most 100 waiting (they run one at a time)', async () => {
    const flood = `function (e, p, cb) {
      var b = require('bcrypt'), errors = {}, ok = 0, n = 0;
      for (var i = 0; i < 150; i++) b.hash('x', 4, function (err) { if (err) errors[err.message] = (errors[err.message] || 0) + 1; else ok++; if (++n === 150) cb(null, [ok, errors]); });
    }`;
    expect(await runScript('login', flood, ARGS)).toEqual({
      outcome: 'done', value: [100, { 'a script may have at most 100 module calls waiting': 50 }], logs: [],
    });
  });
});

describe('custom database scripts: the network', () => {
  it('cannot reach loopback (DynamoDB Local, the machine\'s services) without the operator\'s allow-list', async () => {
    expect(await runScript('login', requesting(local), ARGS)).toEqual(
      failed('login', "Script 'login' failed: TypeError: fetch failed: connecting to 127.0.0.1 is not allowed (private address)"),
    );
    expect(await runScript('login', requesting('http://localhost:8000/'), ARGS)).toEqual(
      failed('login', "Script 'login' failed: TypeError: fetch failed: connecting to localhost is not allowed (private address)"),
    );
    expect(hits).toBe(0);
  });

  it('never reaches a metadata address, whatever the allow-list says', async () => {
    const broad = allowingHosts(['10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'localhost']);
    // Even a hand-made policy allowing every IPv4 address (the parser refuses to build one).
    const everything: NetworkPolicy = { allow: [{ kind: 'ip', net: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0], bits: 96 }], reserved: [] };
    for (const policy of [broad, everything]) {
      expect(await runScript('login', requesting('http://169.254.169.254/latest/meta-data/'), ARGS, policy)).toEqual(
        failed('login', "Script 'login' failed: TypeError: fetch failed: connecting to 169.254.169.254 is not allowed (cloud metadata address)"),
      );
    }
  });

  it('makes at most 50 requests per call', async () => {
    const many = `function (e, p, cb) {
      var request = require('request'), answered = 0, errors = [];
      for (var i = 0; i < 51; i++) request.get(${JSON.stringify(local)}, function (err) { if (err) errors.push(err.message); if (++answered === 51) cb(null, errors); });
    }`;
    expect(await runScript('login', many, ARGS, allowingHosts([new URL(local).host]))).toEqual({
      outcome: 'done', value: ['a login may make at most 50 fetch calls'], logs: [],
    });
  });
});

describe('custom database scripts: the paths the service uses', () => {
  let store: LegacyStore;
  let policy: NetworkPolicy;
  const pool = () => new WorkerPool({ size: 1, maxQueued: 2, sandboxOptions: policy });
  let workers: WorkerPool;
  const loginJs = readFileSync(new URL('../../../infra/local/legacy-store/scripts/login.js', import.meta.url), 'utf8');
  const janeLogin = (password: string) =>
    customDbInput('login', loginJs, [JANE.email, password], { configuration: { BASE_URL: store.url, API_KEY: store.apiKey } });

  beforeAll(async () => {
    store = await startLegacyStore({ users: [JANE] });
    policy = allowingHosts([new URL(store.url).host]);
    workers = pool();
  });
  afterAll(async () => {
    await workers.close();
    await store.stop();
  });

  it('runs in the worker pool (npm start): Jane logs in, a spinning script ends at its budget, and the worker goes on', async () => {
    expect(await workers.customDb(janeLogin(JANE.password))).toMatchObject({ outcome: 'done', value: { user_id: '1001', metadata: { plan: 'full' } } });
    const spin = customDbInput('login', 'function (e, p, cb) { while (true) {} }', ARGS, { limits: { totalMs: 1_000, memoryBytes: 32 * 1024 * 1024 } });
    const { output, ms } = await timed(() => workers.customDb(spin));
    expect(output).toEqual(timeout(1_000));
    expect(ms).toBeLessThan(1_000 + LATE_MS);
    expect(await workers.customDb(janeLogin('wrong'))).toEqual({ outcome: 'refused', error: { name: 'WrongUsernameOrPasswordError', message: '' }, logs: [] });
    expect(store.requests.get('POST /login')).toBe(2);
  }, 60_000); // the pool's first worker starts here (tsx, the sandbox, QuickJS)

  it('words a timeout after a wait for the worker with the call\'s own budget', async () => {
    const spin = (totalMs: number) => customDbInput('login', 'function (e, p, cb) { while (true) {} }', ARGS, { limits: { totalMs, memoryBytes: 32 * 1024 * 1024 } });
    const first = workers.customDb(spin(1_000));
    const second = await timed(() => workers.customDb(spin(2_500)));
    expect(second.output).toEqual(timeout(2_500));
    expect(second.ms).toBeLessThan(2_500 + LATE_MS);
    expect(await first).toEqual(timeout(1_000));
  }, 30_000);

  it('runs in the runner Lambda\'s handler, with that process\'s network policy', async () => {
    // The handler's policy comes from EXTENSIONS_ALLOW_HOSTS, unset here: the loopback store is refused.
    expect(sandboxNetworkPolicy().allow).toEqual([]);
    expect(await lambdaHandler(janeLogin(JANE.password))).toEqual(
      failed('login', `Script 'login' failed: TypeError: fetch failed: connecting to 127.0.0.1 is not allowed (private address)`),
    );
    const plain = customDbInput('get_user', 'function getUser(email, callback) { callback(null, { user_id: 7, email: email }); }', ['a@b.c']);
    expect(await lambdaHandler(plain)).toEqual({ outcome: 'done', value: { user_id: 7, email: 'a@b.c' }, logs: [] });
  }, 30_000);
});
