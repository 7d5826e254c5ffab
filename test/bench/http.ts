import { Agent, request } from 'node:http';

/**
 * A minimal keep-alive HTTP client for the benchmark: node:http directly (fetch adds a few
 * hundred microseconds of its own per request, which would blur sub-millisecond handlers).
 */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface BenchResponse {
  status: number;
  body: string;
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
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), 'utf8');
      const headers: Record<string, string | number> = { ...req.headers };
      if (payload) {
        headers['content-type'] = 'application/json';
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
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
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
