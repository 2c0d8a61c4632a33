import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { createClient } from '@redis/client';
import { startTestEmulator, type TestEmulator } from 'genesys-emulator';
import { genesysSettingsFor } from '../src/development/development-state';
import { compileService, type CompiledService } from './support/compiled-service';
import { freePort } from './support/free-port';
import { redisServerAvailable, startTestRedis, warnRedisMissing, type TestRedis } from './support/redis-server';
import { TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from './support/test-tokens';

const withRedis = redisServerAvailable() ? describe : describe.skip;
if (!redisServerAvailable()) warnRedisMissing('Redis outage start-up tests');

/**
 * Redis's port as the service sees it through an outage: nothing listening (refused), then a
 * listener that drops every connection at once (counting them: each is one reconnection attempt
 * of one of the service's connections), then the real Redis behind it.
 */
class RedisDoor {
  private server: Server | undefined;
  private attempts = 0;
  private waiting: { count: number; resolve: () => void } | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  async dropEveryConnection(): Promise<void> {
    await this.listen((socket) => {
      this.attempts += 1;
      socket.destroy();
      if (this.waiting && this.attempts >= this.waiting.count) this.waiting.resolve();
    });
  }

  /** Resolves once this many connection attempts have been dropped. */
  attemptsDropped(count: number): Promise<void> {
    return this.attempts >= count ? Promise.resolve() : new Promise((resolve) => (this.waiting = { count, resolve }));
  }

  async forward(): Promise<void> {
    await this.close();
    await this.listen((socket) => {
      const upstream = createConnection(Number(this.target.port), this.target.hostname);
      for (const end of [socket, upstream]) {
        this.sockets.add(end);
        end.on('error', () => undefined);
        end.on('close', () => this.sockets.delete(end));
      }
      socket.pipe(upstream).pipe(socket);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private async listen(onConnection: (socket: Socket) => void): Promise<void> {
    this.server = createServer(onConnection);
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
}

/** The service's JSON log lines as they come, with a way to wait for one. */
function logLines(child: ChildProcess) {
  const lines: { level: number; msg: string }[] = [];
  const waiters: { match: RegExp; resolve: () => void }[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { level: number; msg: string };
      lines.push(entry);
      for (const waiter of waiters.filter((candidate) => candidate.match.test(entry.msg))) waiter.resolve();
    }
  });
  return {
    lines,
    next: (match: RegExp) =>
      lines.some((entry) => match.test(entry.msg))
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ match, resolve })),
  };
}

withRedis('production start-up with Redis down', () => {
  let build: CompiledService;
  let emulator: TestEmulator;
  let redis: TestRedis;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    build = compileService();
    emulator = await startTestEmulator();
    redis = (await startTestRedis()) as TestRedis;
  }, 60_000);
  /** The production build on 127.0.0.1 against the emulator, with these settings besides. */
  const startProduction = (settings: Record<string, string>) =>
    spawn(process.execPath, [build.entry('main')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        JWT_SECRET: TEST_JWT_SECRET,
        JWT_ISSUER: TEST_JWT_ISSUER,
        JWT_AUDIENCE: TEST_JWT_AUDIENCE,
        ATTRIBUTE_SIGNING_KEYS: 'k1:a-signing-secret-of-at-least-32-characters',
        ...genesysSettingsFor(emulator),
        ...settings,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await emulator.close();
    await redis.close();
    build.remove();
  });

  it('is not held by a refusing Redis, warns once for the outage however many attempts fail, and says once when Redis answers', async () => {
    const door = new RedisDoor(await freePort(), new URL(redis.url));
    child = startProduction({
      PORT: String(await freePort()),
      REDIS_URL: `redis://127.0.0.1:${door.port}`,
      CACHE_KEY_PREFIX: 'redis-outage-test',
    });
    const log = logLines(child);
    await log.next(/^Listening on /);
    const listening = log.lines.findIndex((entry) => /^Listening on /.test(entry.msg));
    const redisLines = () => log.lines.filter((entry) => entry.level >= 40 && /redis|work queue/i.test(entry.msg));
    // Start-up went on after the first refusal: one warning before it listened, no wait for a timer.
    expect(redisLines()).toHaveLength(1);
    expect(log.lines.findIndex((entry) => entry.level >= 40)).toBeLessThan(listening);

    // The outage goes on: every connection (the store's, BullMQ's queue and worker) retries, many times.
    await door.dropEveryConnection();
    await door.attemptsDropped(12);
    expect(redisLines()).toHaveLength(1);

    await door.forward();
    await log.next(/^Redis answers again/);
    expect(log.lines.filter((entry) => /^Redis answers again/.test(entry.msg))).toHaveLength(1);
    expect(redisLines()).toHaveLength(1);
    await door.close();
  }, 60_000);

  it('stops on SIGTERM while Redis refuses every connection (no connection left retrying holds it)', async () => {
    const stopping = startProduction({
      PORT: String(await freePort()),
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      CACHE_KEY_PREFIX: 'redis-outage-exit',
    });
    try {
      await logLines(stopping).next(/^Listening on /);
      const exited = new Promise<string>((resolve) => stopping.once('exit', () => resolve('exited')));
      stopping.kill('SIGTERM');
      // A bound for the failure, not a wait for success: the shutdown's own waits are 2 s each.
      const bound = new Promise<string>((resolve) =>
        setTimeout(() => resolve('still running after 15 s'), 15_000).unref(),
      );
      expect(await Promise.race([exited, bound])).toBe('exited');
    } finally {
      stopping.kill('SIGKILL');
    }
  }, 30_000);

  it('connects to a managed Redis as it is usually offered: rediss:// (TLS) with a password in the URL', async () => {
    // A TLS endpoint in front of the Redis, with a certificate of its own that the service trusts through
    // NODE_EXTRA_CA_CERTS.
    const dir = mkdtempSync(join(tmpdir(), 'rediss-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const target = new URL(redis.url);
    // A private redis-server gets a password; a shared one (REDIS_URL) is left as it is.
    const password = redis.kill ? 'a-url-safe-redis-password-0123456789' : undefined;
    const admin = createClient({ url: redis.url });
    await admin.connect();
    if (password) await admin.configSet('requirepass', password);
    const tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => {
      const upstream = createConnection(Number(target.port), target.hostname);
      for (const end of [socket, upstream]) end.on('error', () => undefined);
      socket.pipe(upstream).pipe(socket);
    });
    const tlsPort = await freePort();
    await new Promise<void>((resolve) => tls.listen(tlsPort, '127.0.0.1', resolve));
    const port = await freePort();
    const service = startProduction({
      PORT: String(port),
      NODE_EXTRA_CA_CERTS: cert,
      REDIS_URL: `rediss://${password ? `:${password}@` : ''}localhost:${tlsPort}`,
      CACHE_KEY_PREFIX: 'rediss-test',
    });
    try {
      const log = logLines(service);
      await log.next(/^Listening on /);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as {
        details: Record<string, unknown>;
      };
      expect(ready.details.cacheStore).toEqual({ status: 'up', store: 'redis' });
      expect(log.lines.filter((entry) => entry.level >= 40 && /redis/i.test(entry.msg))).toEqual([]);
    } finally {
      service.kill('SIGKILL');
      await new Promise<void>((resolve) => tls.close(() => resolve()));
      if (password) await admin.configSet('requirepass', '').catch(() => undefined);
      await admin.close().catch(() => undefined);
    }
  }, 60_000);
});
