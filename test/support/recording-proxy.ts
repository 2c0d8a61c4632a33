import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the service sent upstream and what came back, bodies as text. */
export interface RecordedExchange {
  method: string;
  path: string;
  requestBody: string;
  status: number;
  responseBody: string;
}

export interface RecordingProxy {
  readonly url: string;
  readonly exchanges: RecordedExchange[];
  close(): Promise<void>;
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/**
 * A loopback HTTP proxy in front of `target` that keeps every exchange: what the service sends to
 * Genesys and what it is answered, to hold both against Genesys's published models.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: RecordedExchange[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const requestBody = await readBody(request);
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          (entry): entry is [string, string] =>
            typeof entry[1] === 'string' && !['host', 'connection', 'content-length'].includes(entry[0]),
        ),
      );
      const method = request.method ?? 'GET';
      const upstream = await fetch(`${target}${request.url ?? '/'}`, {
        method,
        headers,
        ...(requestBody === '' ? {} : { body: requestBody }),
        signal: AbortSignal.timeout(10_000),
      });
      const responseBody = await upstream.text();
      exchanges.push({ method, path: request.url ?? '/', requestBody, status: upstream.status, responseBody });
      const passed = Object.fromEntries(
        [...upstream.headers].filter(
          ([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name),
        ),
      );
      response.writeHead(upstream.status, passed).end(responseBody);
    })().catch(() => response.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
