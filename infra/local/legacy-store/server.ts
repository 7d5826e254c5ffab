import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * A small legacy user store: what a team moving off Auth0 (or off its own database) has today,
 * reached by custom database scripts over HTTP. Passwords are bcrypt hashes and the app-owned
 * metadata is called `metadata`, as in the seed. In memory only; `npm run legacy-store` starts one
 * for the README's walk-through, and the tests start their own on loopback.
 *
 * Every request needs `Authorization: Bearer <apiKey>` (the scripts read it from `configuration`).
 *
 *   POST   /login                 {email|username, password} -> 200 user | 401 {error}
 *   GET    /users?email=E         -> 200 user | 404   (?include=password_hash adds the bcrypt hash)
 *   POST   /users                 {email, password, username?, user_metadata?, metadata?} -> 201 user | 409
 *   DELETE /users/:id             -> 204 | 404
 *   PUT    /users/:email/password {password} -> 200 | 404
 *   PUT    /users/:email/email    {email, verified} -> 200 | 404 | 409
 *   POST   /users/:email/verify   -> 200 | 404
 *
 * A user as answered: {id, email, email_verified, username?, name, given_name?, family_name?,
 * metadata, user_metadata}.
 */
export interface LegacyUser {
  id: string;
  email: string;
  email_verified: boolean;
  username?: string;
  name: string;
  given_name?: string;
  family_name?: string;
  password_hash: string;
  metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
}

export interface LegacyUserSeed extends Omit<LegacyUser, 'password_hash' | 'id' | 'email_verified' | 'name'> {
  id?: string;
  email_verified?: boolean;
  name?: string;
  password: string;
}

export interface LegacyStore {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  apiKey: string;
  /** By lower-cased email. */
  users: Map<string, LegacyUser>;
  /** Requests answered, by `METHOD /path-pattern` (e.g. `POST /login`). */
  requests: Map<string, number>;
  add(seed: LegacyUserSeed): Promise<LegacyUser>;
  stop(): Promise<void>;
}

/** The seed's example user. */
export const JANE: LegacyUserSeed = {
  id: '1001',
  email: 'jane.doe@example.com',
  email_verified: true,
  name: 'Jane Doe',
  given_name: 'Jane',
  family_name: 'Doe',
  password: 'Surf-the-legacy-wave-42',
  user_metadata: { hobby: 'surfing' },
  metadata: { plan: 'full' },
};

/** bcrypt cost of the store's hashes: low, because tests hash often; a real store's is higher. */
const ROUNDS = 8;

export async function startLegacyStore(options: { port?: number; apiKey?: string; users?: LegacyUserSeed[] } = {}): Promise<LegacyStore> {
  const apiKey = options.apiKey ?? randomBytes(18).toString('base64url');
  const users = new Map<string, LegacyUser>();
  const requests = new Map<string, number>();
  let nextId = 2000;
  const add = async (seed: LegacyUserSeed): Promise<LegacyUser> => {
    const { password, ...rest } = seed;
    const user: LegacyUser = {
      ...rest,
      id: seed.id ?? String((nextId += 1)),
      email: seed.email.toLowerCase(),
      email_verified: seed.email_verified ?? false,
      name: seed.name ?? seed.email,
      password_hash: await bcrypt.hash(password, ROUNDS),
    };
    users.set(user.email, user);
    return user;
  };
  for (const seed of options.users ?? []) await add(seed);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: 'internal' }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://store');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const count = (name: string) => requests.set(name, (requests.get(name) ?? 0) + 1);
    if (!authorised(req.headers.authorization, apiKey)) return send(res, 401, { error: 'unauthorized' });
    const body = req.method === 'GET' || req.method === 'DELETE' ? {} : await readJson(req);
    if (body === undefined) return send(res, 400, { error: 'invalid json' });
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

    if (req.method === 'POST' && url.pathname === '/login') {
      count('POST /login');
      const identifier = (str(body.email) ?? str(body.username) ?? '').toLowerCase();
      const user = users.get(identifier) ?? [...users.values()].find((u) => u.username?.toLowerCase() === identifier);
      const ok = user !== undefined && typeof body.password === 'string' && (await bcrypt.compare(body.password, user.password_hash));
      return ok ? send(res, 200, answer(user, false)) : send(res, 401, { error: 'wrong email or password' });
    }
    if (req.method === 'GET' && url.pathname === '/users') {
      count('GET /users');
      const user = users.get((url.searchParams.get('email') ?? '').toLowerCase());
      return user ? send(res, 200, answer(user, url.searchParams.get('include') === 'password_hash')) : send(res, 404, { error: 'not found' });
    }
    if (req.method === 'POST' && url.pathname === '/users') {
      count('POST /users');
      const email = str(body.email)?.toLowerCase();
      const password = str(body.password);
      if (!email || !password) return send(res, 400, { error: 'email and password are required' });
      if (users.has(email)) return send(res, 409, { error: 'user exists' });
      const user = await add({
        email,
        password,
        username: str(body.username),
        user_metadata: object(body.user_metadata),
        metadata: object(body.metadata),
        email_verified: body.email_verified === true,
      });
      return send(res, 201, answer(user, false));
    }
    if (req.method === 'DELETE' && parts[0] === 'users' && parts.length === 2) {
      count('DELETE /users/:id');
      const user = [...users.values()].find((u) => u.id === parts[1]);
      if (!user) return send(res, 404, { error: 'not found' });
      users.delete(user.email);
      return send(res, 204, undefined);
    }
    if (parts[0] === 'users' && parts.length === 3) {
      const user = users.get(parts[1]!.toLowerCase());
      if (req.method === 'PUT' && parts[2] === 'password') {
        count('PUT /users/:email/password');
        if (!user || typeof body.password !== 'string') return send(res, 404, { error: 'not found' });
        user.password_hash = await bcrypt.hash(body.password, ROUNDS);
        return send(res, 200, { changed: true });
      }
      if (req.method === 'PUT' && parts[2] === 'email') {
        count('PUT /users/:email/email');
        const next = str(body.email)?.toLowerCase();
        if (!user || !next) return send(res, 404, { error: 'not found' });
        if (users.has(next) && next !== user.email) return send(res, 409, { error: 'email taken' });
        users.delete(user.email);
        user.email = next;
        user.email_verified = body.verified === true;
        users.set(next, user);
        return send(res, 200, { changed: true });
      }
      if (req.method === 'POST' && parts[2] === 'verify') {
        count('POST /users/:email/verify');
        if (!user) return send(res, 404, { error: 'not found' });
        user.email_verified = true;
        return send(res, 200, { verified: true });
      }
    }
    return send(res, 404, { error: 'no such route' });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    users,
    requests,
    add,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(user: LegacyUser, withHash: boolean): Record<string, unknown> {
  const { password_hash, ...rest } = user;
  return withHash ? { ...rest, password_hash } : rest;
}

function authorised(header: string | undefined, apiKey: string): boolean {
  const given = Buffer.from(header ?? '');
  const wanted = Buffer.from(`Bearer ${apiKey}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function object(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
