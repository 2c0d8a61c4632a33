import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createClient } from '@redis/client';
import { freePort } from './free-port';

export interface TestRedis {
  url: string;
  /** Present only for a redis-server this helper started itself: stops it abruptly. */
  kill?: () => Promise<void>;
  /** Stalls the server (SIGSTOP): connections stay open and commands get no answer; `resume` undoes it. */
  pause?: () => void;
  resume?: () => void;
  close(): Promise<void>;
}

const hasRedisServerBinary = () => spawnSync('redis-server', ['--version']).status === 0;

async function waitUntilAnswering(url: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      await client.close();
      return;
    } catch (error) {
      if (Date.now() > deadline || (child?.exitCode ?? null) !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * A Redis for tests: a private redis-server on a free loopback port when the binary exists (so a
 * test may kill it), else REDIS_URL. Undefined when neither exists; callers must say so loudly.
 */
export async function startTestRedis(): Promise<TestRedis | undefined> {
  if (hasRedisServerBinary()) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const url = `redis://127.0.0.1:${port}`;
    await waitUntilAnswering(url, child);
    const stop = async (signal: NodeJS.Signals) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    };
    return {
      url,
      kill: () => stop('SIGKILL'),
      pause: () => child.kill('SIGSTOP'),
      resume: () => child.kill('SIGCONT'),
      close: async () => {
        child.kill('SIGCONT');
        await stop('SIGTERM');
      },
    };
  }
  const url = process.env.REDIS_URL;
  if (!url) return undefined;
  await waitUntilAnswering(url);
  return { url, close: async () => undefined };
}

export function warnRedisMissing(suite: string): void {
  const line = '!'.repeat(100);
  process.stderr.write(
    `\n${line}\n!! ${suite}: NOT RUN. No redis-server binary and no REDIS_URL on this machine.\n!! Install redis-server or set REDIS_URL to run the Redis-backed tests.\n${line}\n\n`,
  );
}

/** For a test that must stall or kill Redis, which only a redis-server this helper started allows. */
export function warnRedisNotLocal(test: string): void {
  process.stderr.write(`!! Redis is an external REDIS_URL here: the ${test} test needs a local redis-server binary.\n`);
}

export const redisServerAvailable = (): boolean => hasRedisServerBinary() || Boolean(process.env.REDIS_URL);
