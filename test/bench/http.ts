import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/**
 * A minimal keep-alive HTTP client for the benchmark: node:http directly (fetch adds a few
 * hundred microseconds of its own per request, which would blur sub-millisecond handlers).
 */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** A form-encoded body, as a browser posts a form (instead of `body`, which is sent as JSON). */
  form?: Record<string, string>;
}

export interface BenchResponse {
  status: number;
  body: string;
  /** The response's headers (`location`, `set-cookie` for the browser flows). */
  headers: IncomingHttpHeaders;
  /** Wall time from sending the request to the last byte of the response, in ms. */
  ms: number;
}

export interface HttpClient {
  send(req: BenchRequest): Promise<BenchResponse>;
  close(): void;
}

export function createHttpClient(baseUrl: string, maxSockets: number): HttpClient {
  const base = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    send(req) {
      const form = req.form === undefined ? undefined : new URLSearchParams(req.form).toString();
      const payload = form !== undefined ? Buffer.from(form, 'utf8') : req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
      const headers: Record<string, string | number> = { ...req.headers };
      if (payload) {
        headers['content-type'] = form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json';
        headers['content-length'] = payload.length;
      }
      return new Promise<BenchResponse>((resolve, reject) => {
        const started = performance.now();
        const r = request(
          { agent, host: base.hostname, port: base.port, method: req.method, path: req.path, headers },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, ms: performance.now() - started,
              }),
            );
          },
        );
        r.on('error', reject);
        r.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}
