// Warms V8's code for a start of the production bundle, as the image's build does and the bench
// does before its start-up rows: starts the service as given (node flags, then the entry point),
// asks its liveness once it listens, waits until that start has kept its code in
// NODE_COMPILE_CACHE (src/performance/after-first-answer.ts), and stops it. Nothing reaches Genesys:
// liveness does not ask it. Exits non-zero if the code is not kept within 30 s.
// Usage: node scripts/warm-code-cache.mjs [node flags...] dist/bundle/main.js
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

const TIMEOUT_MS = 30_000;
const POLL_MS = 50;
const cache = process.env.NODE_COMPILE_CACHE;
if (!cache) throw new Error('NODE_COMPILE_CACHE names the folder the warmed code goes to');
const liveness = `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 3000}/health/live`;

const service = spawn(process.execPath, process.argv.slice(2), { stdio: ['ignore', 'ignore', 'inherit'] });
const exited = new Promise((resolve) => service.once('exit', resolve));
const deadline = Date.now() + TIMEOUT_MS;

const answered = async () => {
  try {
    await fetch(liveness, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
};
// The code is written atomically (a partial file, then renamed): any other file is a whole one.
const kept = () => {
  try {
    return readdirSync(cache, { recursive: true, withFileTypes: true }).some(
      (entry) => entry.isFile() && !entry.name.endsWith('.partial'),
    );
  } catch {
    return false;
  }
};

let warmed = false;
while (service.exitCode === null && Date.now() < deadline && !(await answered())) await delay(POLL_MS);
while (service.exitCode === null && Date.now() < deadline && !(warmed = kept())) await delay(POLL_MS);
service.kill('SIGTERM');
await exited;
if (!warmed) {
  process.stderr.write(`no compiled code was kept in ${cache} within ${TIMEOUT_MS / 1000} s\n`);
  process.exit(1);
}
