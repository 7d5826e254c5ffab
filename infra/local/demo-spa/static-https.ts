import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';

/** A file the demo's https origin serves, with its own headers (e.g. its Content-Security-Policy). */
export interface StaticFile {
  type: string;
  body: Buffer;
  headers?: Record<string, string>;
}

/** The demo pages' shared stylesheet (index.html and lock.html link it). */
export const demoCss: StaticFile = {
  type: 'text/css; charset=utf-8',
  body: readFileSync(new URL('./demo.css', import.meta.url)),
};

export interface StaticHttps {
  /** `https://localhost:<port>` */
  origin: string;
  close(): Promise<void>;
}

/** GET and HEAD of a fixed set of files over https, no-store, nosniff; 404 for the rest. */
export async function startStaticHttps(p: { port: number; cert: { certPath: string; keyPath: string }; files: Record<string, StaticFile> }): Promise<StaticHttps> {
  const server: Server = createServer({ cert: readFileSync(p.cert.certPath), key: readFileSync(p.cert.keyPath) }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://static.invalid').pathname;
    const file = p.files[path];
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    res.writeHead(200, {
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...file.headers,
      'content-type': file.type,
      'content-length': file.body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(p.port, ready);
  });
  return {
    origin: `https://localhost:${p.port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
