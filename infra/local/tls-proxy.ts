import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import { join } from 'node:path';

/**
 * An HTTPS front for the local (plain HTTP) server. Auth0's SDKs only speak https://<domain>/,
 * so end-to-end tests put this proxy in front of `npm start`, with a throwaway self-signed
 * certificate that the SDK's process trusts through NODE_EXTRA_CA_CERTS.
 */
export interface SelfSignedCert {
  certPath: string;
  keyPath: string;
}

/** Writes a one-day certificate for localhost / 127.0.0.1 into `dir` with the openssl CLI. */
export function createSelfSignedCert(dir: string): SelfSignedCert {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyPath, '-out', certPath,
    ],
    { stdio: 'pipe' },
  );
  return { certPath, keyPath };
}

export interface ProxiedRequest {
  method: string;
  /** Path and query string, as the client sent them. */
  url: string;
  status: number;
}

export interface TlsProxyOptions {
  /** Port the HTTPS proxy listens on (127.0.0.1 and ::1 through `localhost`). */
  port: number;
  /** Port of the plain HTTP server on 127.0.0.1 that receives every request. */
  target: number;
  cert: SelfSignedCert;
}

export interface TlsProxy {
  /** Every request forwarded so far, in arrival order, with the status the target answered. */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startTlsProxy({ port, target, cert }: TlsProxyOptions): Promise<TlsProxy> {
  // Our own agent, so close() can drop the upstream keep-alive sockets it opened.
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const server = createServer({ cert: readFileSync(cert.certPath), key: readFileSync(cert.keyPath) }, (req, res) => {
    const entry: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0 };
    requests.push(entry);
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target,
        method: entry.method,
        path: entry.url,
        // The Host header is kept, as API Gateway would see the public domain.
        headers: { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        agent,
      },
      (upstreamRes) => {
        entry.status = upstreamRes.statusCode ?? 502;
        res.writeHead(entry.status, upstreamRes.statusMessage, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (res.headersSent) return void res.destroy(error);
      entry.status = 502;
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`TLS proxy: upstream error: ${error.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    // `localhost` may resolve to ::1 first; listening on the dual-stack wildcard serves both.
    server.listen(port, ready);
  });
  return {
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
