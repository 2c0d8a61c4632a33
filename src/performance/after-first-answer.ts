import { AsyncResource } from 'node:async_hooks';
import type { Server } from 'node:http';

/**
 * Runs `settle` once, in the first quiet moment after the service has answered its first request
 * (in production, a readiness or liveness probe), or `fallbackMs` after it started listening if
 * nothing asks. Start-up's remaining work that nobody needs to wait for (keeping V8's code,
 * collecting start-up garbage: about 200 ms on a 2-core machine) then delays no readiness answer,
 * and no request is answered later than when that work ran before the port opened: a request that
 * arrives during it waits less than the whole of it.
 */
export function afterFirstAnswer(server: Server, fallbackMs: number, settle: () => void): void {
  let settled = false;
  // Bound to the caller's context, not the first request's: what settle logs is not that request's.
  const settleOnce = AsyncResource.bind(() => {
    if (settled) return;
    settled = true;
    clearTimeout(fallback);
    server.off('request', onRequest);
    settle();
  });
  // 'close' follows 'finish' and an abort alike; the answer is on its way before settle runs.
  const onRequest = (_request: unknown, response: NodeJS.EventEmitter) =>
    response.once('close', () => setImmediate(settleOnce));
  const fallback = setTimeout(settleOnce, fallbackMs).unref();
  server.on('request', onRequest);
}
