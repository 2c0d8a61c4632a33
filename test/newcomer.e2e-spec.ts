import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { satisfies } from 'semver';
import { genesysSettingsFor } from '../src/development/development-state';
import { unsupportedRuntimeLine } from '../src/runtime-support';
import packageJson from '../package.json';
import { generateAuditSample } from './support/audit-sample';
import { startAppForCommands } from './support/command-run';
import { compileService, type CompiledService } from './support/compiled-service';
import { freePort } from './support/free-port';
import { WITHOUT_GENESYS_SETTINGS, type TestApp } from './support/test-app';
import { serviceToken, TEST_JWT_AUDIENCE, TEST_JWT_ISSUER, TEST_JWT_SECRET } from './support/test-tokens';

const HOUR = 3_600_000;
const ENGINES = packageJson.engines.node;

interface Finished {
  code: number | null;
  stdout: string;
  /** Without the line about an unsupported Node.js, which the test of that line reads from `rawStderr`. */
  stderr: string;
  rawStderr: string;
}

const finished = (code: number | null, stdout: string, rawStderr: string): Finished => ({
  code,
  stdout,
  stderr: rawStderr.replace(unsupportedRuntimeLine(process.version, ENGINES) ?? '', ''),
  rawStderr,
});

/**
 * Starts a compiled entry point and resolves with what it printed once `until` matches its stdout (then stops it), or
 * once it exits.
 */
function startUntil(entry: string, env: Record<string, string | undefined>, until: RegExp): Promise<Finished> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (until.test(stdout)) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve(finished(code, stdout, stderr))));
}

/**
 * `npm start`'s environment on `port` (HOST left to its loopback default), with a development state file of its own and
 * the sandbox.
 */
const developmentOn = (port: number) => ({
  NODE_ENV: 'development',
  PORT: String(port),
  DEVELOPMENT_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'dev-state-')), '.wm-gateway.dev.json'),
  ...WITHOUT_GENESYS_SETTINGS,
});

/** Resolves once what `child` printed on stdout so far matches `pattern` (rejects when it exits first). */
function printed(child: ChildProcess, output: () => string, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(output())) return;
      child.stdout?.off('data', check);
      resolve();
    };
    child.stdout?.on('data', check);
    child.once('exit', () => reject(new Error(`exited before printing ${pattern}`)));
    check();
  });
}

async function takenPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/**
 * Runs a compiled entry point as a terminal would, optionally with a reader that closes its end of stdout at once (`|
 * head -0`).
 */
function run(
  entry: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { closeStdout?: boolean } = {},
): Promise<Finished> {
  const child = spawn(process.execPath, [entry, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve(finished(code, stdout, stderr))));
}

describe('what a newcomer meets, from real processes', () => {
  let build: CompiledService;
  let t: TestApp;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    build = compileService();
    ({ t, env } = await startAppForCommands({ AUDIT_POLL_INTERVAL_MS: '200' }));
    const end = Date.now() - 25 * HOUR;
    await generateAuditSample(t.app, t.emulator, { start: end - 2 * HOUR, end }, { intact: 30, tampered: 2 });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    build.remove();
  });

  it('ends a CLI quietly, exit 0, when the reader has closed the pipe (`npm run audit -- --csv | head`)', async () => {
    const result = await run(build.entry('audit'), ['--since', '27h', '--until', '24h', '--csv'], env, {
      closeStdout: true,
    });
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(result.code).toBe(0);
  });

  it('names PORT when the port is taken, with no development tokens and no stack trace before it', async () => {
    const { port, server } = await takenPort();
    try {
      const result = await startUntil(build.entry('dev'), developmentOn(port), /Listening/);
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain('Development JWTs');
      expect(result.stderr).toBe(
        `wm-attribute-gateway will not start: port ${port} is taken (another \`npm start\`, or another program). Choose another with PORT, e.g. PORT=${port + 1} npm start\n`,
      );
    } finally {
      server.close();
    }
  });

  it('writes readable log lines in development, a request as one short line', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [build.entry('dev')], {
      env: { PATH: process.env.PATH, ...developmentOn(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      await printed(child, () => stdout, /Listening on/);
      await fetch(`http://127.0.0.1:${port}/favicon.ico`);
      await printed(child, () => stdout, /favicon/);
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    const logLines = stdout.split('\n').filter((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] /.test(line));
    expect(logLines.some((line) => / INFO: .*Listening on http:\/\/127\.0\.0\.1:\d+/.test(line))).toBe(true);
    expect(logLines.some((line) => / INFO: GET \/favicon\.ico \d{3} \d+ ms$/.test(line))).toBe(true);
    expect(stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('runs the production entry point as production when NODE_ENV is unset: it refuses to start, naming what it lacks, and makes up nothing', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'main-unset-'));
    const stateFile = join(directory, '.wm-gateway.dev.json');
    const result = await startUntil(
      build.entry('main'),
      { ...WITHOUT_GENESYS_SETTINGS, DEVELOPMENT_STATE_FILE: stateFile, PORT: String(await freePort()) },
      /Listening/,
    );
    expect(result.code).toBe(1);
    for (const name of ['GENESYS_CLIENT_ID', 'JWT_SECRET or JWT_JWKS_URL', 'JWT_ISSUER', 'ATTRIBUTE_SIGNING_KEYS'])
      expect(result.stderr).toContain(name);
    expect(result.stdout).not.toContain('Development JWTs');
    expect(existsSync(stateFile)).toBe(false);
  });

  const serviceBundle = () => join(dirname(build.bundle()), 'service.js');
  /** What a production start needs, pointed at this suite's emulator; NODE_ENV is left to the entry point. */
  const productionSettings = () => ({
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_JWT_SECRET,
    JWT_ISSUER: TEST_JWT_ISSUER,
    JWT_AUDIENCE: TEST_JWT_AUDIENCE,
    ATTRIBUTE_SIGNING_KEYS: 'k1:a-signing-secret-of-at-least-32-characters',
    ...genesysSettingsFor(t.emulator),
  });

  it('writes the production bundle in ASCII alone, so V8 holds its source at one byte per character', () => {
    const source = readFileSync(serviceBundle(), 'latin1');
    expect(source.match(/[\u0080-\u00ff]/g) ?? []).toEqual([]);
    // The escaped alphabets still match what they matched (validator.js's, behind class-validator's isAlpha).
    expect(source).toContain('"bg-BG":/^[\\u0410-\\u042f]+$/i');
  });

  it('leaves out of the production bundle what costs idle memory and the service never uses', () => {
    const source = readFileSync(serviceBundle(), 'latin1');
    // Nest's loggers make their timestamp format at first use, not when their module loads (ICU's data: 5.6 MB).
    expect(source).toMatch(/dateTimeFormatter=\{format:/);
    expect(source).not.toMatch(/dateTimeFormatter\d*=new Intl\.DateTimeFormat/);
    // libphonenumber-js's metadata, which class-validator loads for @IsPhoneNumber alone.
    expect(source).not.toContain('country_calling_codes');
    expect(source).toContain('IsPhoneNumber is not in this bundle');
  });

  it('writes into the bundle what keeps start-up short: one axios, without undici at load, http2 and what axios needs only for proxies and forms at their first use, route matchers at their first match, one view per required module', () => {
    const source = readFileSync(serviceBundle(), 'latin1');
    // Our require('axios') and @nestjs/axios's import reach the same copy.
    expect(source).not.toContain('node_modules/axios/dist/node/axios.cjs');
    expect(source).toContain('node_modules/axios/lib/axios.js');
    // Neither the global FormData nor the fetch adapter (Node's undici, both) is touched as axios loads.
    expect(source).not.toMatch(/getGlobal\d*\(\),FormDataCtor/);
    expect(source).not.toMatch(/adapter\d*=getFetch\d*\(\)/);
    expect(source).toContain('__requiredViews=new WeakMap');
    // fastify's and axios's http2 is a proxy that loads Node's at its first use, through Node's own require.
    expect(source).toMatch(
      /"at-first-use-\d+:node:http2"\(exports\d*,module\d*\)\{module\d*\.exports=new Proxy\(\{\},\{get:\(_,key\)=>require\("node:http2"\)\[key\]/,
    );
    expect(source).not.toMatch(/require_http2\d*\(\)\[key\]/);
    // axios's proxy tunnel and form-data's content types are proxies on the bundled modules.
    expect(source).toMatch(
      /"at-first-use-\d+-esm:https-proxy-agent"\(\)\{https_proxy_agent_default=new Proxy\(function\(\)\{\}/,
    );
    expect(source).toMatch(/"at-first-use-\d+:mime-types"\(exports\d*,module\d*\)\{module\d*\.exports=new Proxy\(\{\}/);
    // fastify's router compiles a static node's prefix matcher at its first match, not as each route is added.
    expect(source).toContain('node.matchPrefix=compilePrefixMatch(prefix),node.matchPrefix(path,i)');
    expect(source).not.toMatch(/\?compilePrefixMatch\(prefix\)|matchPrefix=compilePrefixMatch\(childPrefix\)/);
    // sonic-boom keeps the length of the buffer it appends log lines to instead of measuring it again at every line.
    expect(source).toContain('this._lastAppendedLen=');
  });

  it('keeps in the bundle the name every class has in its source, and names no function as it is made', () => {
    const source = readFileSync(serviceBundle(), 'latin1');
    // esbuild renames classes that name themselves (Nest's InstanceLoader as _InstanceLoader, ours as GenesysClient2).
    const named = source.match(/static\{__name\(this,"[\w$]+"\)\}/g) ?? [];
    expect(named).toEqual(
      expect.arrayContaining(['static{__name(this,"InstanceLoader")}', 'static{__name(this,"GenesysClient")}']),
    );
    expect(source.match(/__name\(/g)?.length).toBe(named.length);
  });

  it('writes no import() into the bundle: run as a vm.Script, it has no module loader for one', () => {
    expect(readFileSync(serviceBundle(), 'latin1')).not.toMatch(/(?<![\w$.])import\(/);
  });

  /** Starts the bundle, asks its liveness once it listens, and stops it once it has settled (kept its code, collected). */
  const startUntilSettled = async (env: Record<string, string>): Promise<{ stderr: string }> => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--max-semi-space-size=8', build.bundle()], {
      env: { PATH: process.env.PATH, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      await printed(child, () => stdout, /Listening on/);
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
      await printed(child, () => stdout, /Start-up settled in \d+ ms/);
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    return { stderr: finished(0, stdout, stderr).stderr };
  };

  it('warms the compiled code as the image does: one start asked its liveness, stopped once its code is kept', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'image-code-'));
    const warming = spawn(
      process.execPath,
      [join(__dirname, '..', 'scripts', 'warm-code-cache.mjs'), '--max-semi-space-size=8', build.bundle()],
      {
        env: {
          PATH: process.env.PATH,
          ...productionSettings(),
          NODE_COMPILE_CACHE: cache,
          PORT: String(await freePort()),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    warming.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => warming.on('close', resolve));
    expect({ code, stderr: finished(0, '', stderr).stderr }).toEqual({ code: 0, stderr: '' });
    expect(readdirSync(cache).filter((name) => name.endsWith('.v8-code'))).toEqual([
      expect.stringMatching(/^service\.js-/),
    ]);
  });

  it('starts the bundle a second time with the compiled code its first start kept once it had answered, and leaves that code as it was', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'bundle-code-'));
    const production = { ...productionSettings(), NODE_COMPILE_CACHE: cache };
    await startUntilSettled(production);
    const kept = readdirSync(cache).filter((name) => name.endsWith('.v8-code'));
    expect(kept).toEqual([expect.stringMatching(/^service\.js-/)]);
    const written = statSync(join(cache, kept[0])).mtimeMs;

    const second = await startUntilSettled(production);
    expect(second.stderr).toBe('');
    expect(readdirSync(cache).filter((name) => name.endsWith('.v8-code'))).toEqual(kept);
    expect(statSync(join(cache, kept[0])).mtimeMs).toBe(written);
  });

  it('runs the production bundle, the artefact start:prod and the image run: it issues a configuration and verifies the conversation it reached', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--max-semi-space-size=8', build.bundle()], {
      env: { PATH: process.env.PATH, PORT: String(port), ...productionSettings() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      await printed(child, () => stdout, /Listening on/);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const issued = await fetch(`${base}/api/web-messaging/config`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serviceToken(['attributes:issue'])}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'usr_1001', attributes: { userTier: 'Gold' } }),
      });
      expect(issued.status).toBe(200);
      const conversationId = await t.emulator.sendFirstMessage(
        ((await issued.json()) as { guestAttributes: Record<string, string> }).guestAttributes,
      );
      const report = await fetch(`${base}/api/verification/conversations/${conversationId}`, {
        headers: { authorization: `Bearer ${serviceToken(['conversations:verify'])}` },
      });
      expect(((await report.json()) as { status: string }).status).toBe('verified');
      // Production by default (NODE_ENV was not set), without Swagger UI.
      expect((await fetch(`${base}/docs`)).status).toBe(404);
      // A burst, so that lines pile up behind the log write in flight: each is written, whole, once.
      await Promise.all(Array.from({ length: 200 }, (_, index) => fetch(`${base}/api/burst-${index}`)));
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    // Nest's lines per module and route are debug lines: in production, at info, none is written.
    expect(stdout).not.toMatch(/dependencies initialized|Mapped \{/);
    const burstPaths = stdout
      .split('\n')
      .filter((line) => line.includes('/api/burst-'))
      .map((line) => (JSON.parse(line) as { req: { path: string } }).req.path);
    expect(burstPaths.sort()).toEqual(Array.from({ length: 200 }, (_, index) => `/api/burst-${index}`).sort());
  });

  it('says where Swagger UI is only where it is served: not in production', async () => {
    const production = { NODE_ENV: 'production', PORT: String(await freePort()), ...productionSettings() };
    const result = await startUntil(build.entry('main'), production, /Listening/);
    expect(result.stdout).toMatch(/"msg":"Listening on http:\/\/127\.0\.0\.1:\d+"/);
    expect(result.stdout).not.toContain('/docs');
  });

  it('says in one line at start when this Node.js is not a supported one, and nothing when it is (CI runs this on 20, 22 and 24)', async () => {
    const result = await startUntil(
      build.entry('dev'),
      { NODE_ENV: 'development', PORT: 'eighty', ...WITHOUT_GENESYS_SETTINGS },
      /Listening/,
    );
    const first = result.rawStderr.split('\n')[0];
    if (satisfies(process.version, ENGINES)) expect(first).toBe('wm-attribute-gateway will not start.');
    else expect(`${first}\n`).toBe(unsupportedRuntimeLine(process.version, ENGINES));
  });

  it('prints with `npm run emulator` every setting the service and the canary need to use it, the Guest API URL among them', async () => {
    const port = await freePort();
    const result = await startUntil(
      join('packages', 'genesys-emulator', 'dist', 'main.js'),
      { EMULATOR_PORT: String(port) },
      /Admin routes/,
    );
    const settings = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('  GENESYS_'))
      .map((line) => line.trim().split('=')[0]);
    expect(settings).toEqual([
      'GENESYS_LOGIN_URL',
      'GENESYS_API_URL',
      'GENESYS_WEBMESSAGING_URL',
      'GENESYS_CLIENT_ID',
      'GENESYS_CLIENT_SECRET',
      'GENESYS_DEPLOYMENT_ID',
      'GENESYS_ORGANIZATION_ID',
    ]);
    expect(result.stdout).toContain(`  GENESYS_WEBMESSAGING_URL=ws://127.0.0.1:${port}\n`);
  });

  it('lists every registry and environment problem once, plainly, when the service will not start', async () => {
    const registry = join(__dirname, 'fixtures', 'attributes-case-duplicate.yaml');
    const development = {
      NODE_ENV: 'development',
      PORT: 'eighty',
      ATTRIBUTES_FILE: registry,
      DEVELOPMENT_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'dev-state-')), '.wm-gateway.dev.json'),
      ...WITHOUT_GENESYS_SETTINGS,
    };
    const result = await startUntil(build.entry('dev'), development, /Listening/);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['wm-attribute-gateway will not start.', 'Invalid configuration:']);
    expect(lines.slice(2).map((line) => line.replace(registry, '<file>'))).toEqual([
      expect.stringMatching(/^ {2}- PORT /),
      '  - <file>: attributes[3] (tier).colour: property colour should not exist',
      '  - <file>: attributes[1] (UserId): "UserId" and "userId" differ only in case',
      '  - <file>: attributes[2] (cardNumber): name or source looks like a secret; secrets must never become custom attributes',
      '  - <file>: routing.rules[0]: names undefined attribute "userTier"',
    ]);
    expect(result.stdout).toBe('');
  });
});
