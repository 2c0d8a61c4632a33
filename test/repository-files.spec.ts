import { load } from 'js-yaml';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { variableNames } from '../src/config/environment';
import { ENVIRONMENT_SCHEMAS } from '../src/environment-schemas';
import { EmulatorEnvironment } from 'genesys-emulator';
import { AUDIT_STATES } from '../src/audit/audit-store';
import { AUDIT_EXIT } from '../src/bin/audit-command';
import { CANARY_EXIT } from '../src/bin/canary-command';
import { VERIFY_EXIT } from '../src/bin/verify-command';
import { REPORT_STATUSES, ROW_STATUSES } from '../src/verification/report-judgement';
import { requiredInProduction } from './support/production-environment';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const configVariables = new Set(ENVIRONMENT_SCHEMAS.flatMap((schema) => variableNames(schema)));
const emulatorVariables = new Set(variableNames(EmulatorEnvironment));

/** The markdown tables of `text`, each as rows of cells (its header first). */
const tablesOf = (text: string) =>
  text
    .split(/\n(?!\|)/)
    .map((block) => block.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('|---')))
    .filter((rows) => rows.length > 0)
    .map((rows) => rows.map((line) => line.slice(2, -2).split(' | ')));
/**
 * The backticked codes `tables` define, headers left out: every one in a row's first cell, or the
 * first one in its last cell (what follows it there says more of it: `tampered`, with `signatureProblem`).
 */
const tableCodes = (tables: string[][][], column: 'first' | 'last') =>
  tables
    .flatMap((rows) => rows.slice(1))
    .flatMap((cells) => {
      const codes = [...(column === 'first' ? cells[0] : cells[cells.length - 1]).matchAll(/`([^`]+)`/g)].map(
        (match) => match[1],
      );
      return column === 'first' ? codes : codes.slice(0, 1);
    });
/** The part of a markdown document under one `## ` heading. */
const section = (text: string, heading: string) =>
  text.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';

describe('the configuration reference (docs/configuration.md)', () => {
  const reference = read('docs/configuration.md');
  const tableRows = (text: string) => [...text.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]);

  it('lists every variable the service config classes read, and no other, each once', () => {
    const rows = tableRows(reference);
    expect([...rows].sort()).toEqual([...configVariables].sort());
    expect(new Set(rows).size).toBe(rows.length);
  });

  it("lists every variable of the standalone emulator, and no other, in the emulator's own README", () => {
    expect([...tableRows(read('packages/genesys-emulator/README.md'))].sort()).toEqual([...emulatorVariables].sort());
  });
});

describe('the verification reference (docs/verification.md)', () => {
  const reference = read('docs/verification.md');

  it('defines every row status and every report status in its tables, and nothing else', () => {
    const statusTables = tablesOf(section(reference, 'The report, defined once')).filter((rows) =>
      ['row', 'status'].includes(rows[0].at(-1) ?? ''),
    );
    const defined = new Set(tableCodes(statusTables, 'last'));
    expect(
      [...defined].filter((code) => !ROW_STATUSES.includes(code as never) && !REPORT_STATUSES.includes(code as never)),
    ).toEqual([]);
    expect([...ROW_STATUSES, ...REPORT_STATUSES].filter((status) => !defined.has(status))).toEqual([]);
  });
});

describe('the audit reference (docs/audits.md)', () => {
  const reference = read('docs/audits.md');

  it('defines every audit state and every verdict status an audit line can hold', () => {
    const firstColumn = new Set(tableCodes(tablesOf(reference), 'first'));
    expect(AUDIT_STATES.filter((state) => !firstColumn.has(state))).toEqual([]);
    expect([...REPORT_STATUSES, 'unsettled', 'unreadable'].filter((status) => !firstColumn.has(status))).toEqual([]);
  });
});

describe('the command-line reference (docs/cli.md)', () => {
  const reference = read('docs/cli.md');

  it.each([
    ['verify', VERIFY_EXIT],
    ['canary', CANARY_EXIT],
    ['audit', AUDIT_EXIT],
  ] as const)('gives %s exactly the exit codes its command returns', (command, exits) => {
    const documented = tableCodes(tablesOf(section(reference, command)), 'first').map(Number);
    expect(documented).toEqual([...new Set(Object.values(exits))].sort((a, b) => a - b));
  });
});

describe('the architecture reference (docs/architecture.md)', () => {
  it('names every folder of src/ in its tree', () => {
    const tree = /```text\n([\s\S]*?)```/.exec(read('docs/architecture.md'))?.[1] ?? '';
    const folders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.filter((folder) => !tree.includes(` ${folder}/ `))).toEqual([]);
  });
});

describe('the README', () => {
  it("is a newcomer's five minutes: under 150 lines, its links resolving to files that exist", () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThan(150);
    const targets = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)]
      .map((match) => match[1])
      .filter((target) => !/^https?:/.test(target));
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((target) => !existsSync(join(root, target)))).toEqual([]);
  });
});

describe('package.json scripts', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it('make start:dev npm start with reloads: the development entry point (sandbox, banner), the emulator built first', () => {
    const start = /node dist\/(bin\/\w+)\.js$/.exec(scripts.start)?.[1];
    expect(start).toBe('bin/dev');
    expect(scripts['start:dev']).toMatch(new RegExp(`nest start --watch --entryFile ${start}$`));
    expect(scripts['start:dev']).toMatch(/^npm run build --workspace genesys-emulator && /);
  });
});

describe('.env.example', () => {
  it('mentions only variables the service reads', () => {
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !configVariables.has(name))).toEqual([]);
  });
});

describe('the production command', () => {
  const required = requiredInProduction();
  const names = (text: string) => new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));

  it('is complete in docs/operations.md: its .env block names every variable production requires', () => {
    const block = /cat > \.env <<'END'\n([\s\S]*?)\nEND/.exec(read('docs/operations.md'))![1];
    const given = names(block);
    expect(required.filter((alternatives) => !alternatives.some((name) => given.has(name)))).toEqual([]);
    expect(required.length).toBeGreaterThanOrEqual(8);
  });

  it("is complete in .env.example's production block", () => {
    const production = read('.env.example').split('# Production')[1] ?? '';
    const given = names(production);
    expect(required.filter((alternatives) => !alternatives.some((name) => given.has(name)))).toEqual([]);
  });

  it('passes every one of those variables through docker-compose.yml to the gateway', () => {
    const gateway = (
      load(read('docker-compose.yml')) as { services: Record<string, { environment?: Record<string, string> }> }
    ).services.gateway;
    const passed = new Set(Object.keys(gateway.environment ?? {}));
    expect(required.filter((alternatives) => !alternatives.some((name) => passed.has(name)))).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, history, builds, secrets and development state out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', 'dist', '.env', '.wm-gateway.dev.json']));
  });
});

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
}

describe('docker-compose.yml', () => {
  const compose = load(read('docker-compose.yml')) as { services: Record<string, ComposeService> };

  const gateways = ['gateway', 'gateway-sandbox'];

  it('runs the gateway from the Dockerfile, Redis, and the emulator with a sandbox gateway', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['emulator', 'gateway', 'gateway-sandbox', 'redis']);
    for (const name of gateways) expect(compose.services[name].build).toBe('.');
    expect(compose.services.emulator.build).toEqual({ context: '.', target: 'emulator' });
  });

  it('sets only variables the service and the emulator read', () => {
    for (const name of gateways) {
      const names = Object.keys(compose.services[name].environment ?? {});
      expect(names.filter((variable) => !configVariables.has(variable))).toEqual([]);
    }
    const emulatorNames = Object.keys(compose.services.emulator.environment ?? {});
    expect(emulatorNames.filter((variable) => !emulatorVariables.has(variable))).toEqual([]);
  });

  it('wires the sandbox gateway to the emulator with the credentials the emulator accepts', () => {
    const sandbox = compose.services['gateway-sandbox'].environment ?? {};
    const emulator = compose.services.emulator.environment ?? {};
    expect(sandbox.GENESYS_API_URL).toBe(`http://emulator:${emulator.EMULATOR_PORT}`);
    expect(sandbox.GENESYS_LOGIN_URL).toBe(`http://emulator:${emulator.EMULATOR_PORT}`);
    expect(sandbox.GENESYS_CLIENT_ID).toBe(emulator.EMULATOR_CLIENT_ID);
    expect(sandbox.GENESYS_CLIENT_SECRET).toBe(emulator.EMULATOR_CLIENT_SECRET);
    expect(sandbox.GENESYS_DEPLOYMENT_ID).toBe(emulator.EMULATOR_DEPLOYMENT_ID);
  });

  it('publishes the port each gateway listens on and probes its readiness there', () => {
    for (const name of gateways) {
      const gateway = compose.services[name];
      const port = gateway.environment?.PORT ?? '3000';
      expect(gateway.ports?.map((mapping) => mapping.split(':').pop())).toContain(port);
      expect(gateway.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/health/ready`);
    }
  });

  it('keeps Redis off every host interface and behind a password from .env, which every REDIS_URL carries', () => {
    const redis = compose.services.redis;
    // Redis holds the Genesys token, issued sets and audits: no published port (127.0.0.1 at most).
    expect((redis.ports ?? []).filter((mapping) => !mapping.startsWith('127.0.0.1:'))).toEqual([]);
    const password = '${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}';
    expect(redis.environment?.REDIS_PASSWORD).toBe(password);
    expect(JSON.stringify(redis.command)).toContain('--requirepass \\"$$REDIS_PASSWORD\\"');
    expect(redis.healthcheck?.test.join(' ')).toContain('REDISCLI_AUTH');
    for (const name of gateways)
      expect(compose.services[name].environment?.REDIS_URL).toBe(`redis://:${password}@redis:6379`);
    // The development profile's ports answer on loopback only; the production gateway's is the service's own.
    for (const name of ['emulator', 'gateway-sandbox'])
      for (const mapping of compose.services[name].ports ?? []) expect(mapping).toMatch(/^127\.0\.0\.1:/);
  });

  it('builds on a Node 24 image and runs as a non-root user', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:24/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('builds the production bundle in the image and runs it, as npm run build and start:prod do', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.build).toContain('node scripts/bundle-production.mjs');
    expect(scripts['start:prod']).toMatch(/ dist\/bundle\/main\.js$/);
    const build = read('Dockerfile')
      .split(/^(?=FROM )/m)
      .find((stage) => /AS build$/m.test(stage))!;
    expect(build).toMatch(/^COPY scripts \.\/scripts$/m);
    expect(build).toMatch(/^RUN npm run build /m);
  });

  it('starts the production image as npm run start:prod starts the service, flags included', () => {
    const production = read('Dockerfile')
      .split(/^(?=FROM )/m)
      .at(-1)!;
    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(production)![1]) as string[];
    const startProd = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start:prod'];
    expect(command.join(' ')).toBe(startProd);
    // The start that warms V8's code at build time runs with the same flags: code compiled under others is refused.
    expect(/^ {2}&& node \/tmp\/warm-code-cache\.mjs ([^\n&]+?) \\$/m.exec(production)?.[1]).toBe(
      startProd.replace(/^node /, ''),
    );
  });

  it("leaves the image's compiled code to root: the service, as the node user, reads it and cannot rewrite it", () => {
    const production = read('Dockerfile')
      .split(/^(?=FROM )/m)
      .at(-1)!;
    const warming = production.indexOf('node /tmp/warm-code-cache.mjs');
    expect(warming).toBeGreaterThan(-1);
    expect(production.indexOf('\nUSER node\n')).toBeGreaterThan(warming);
    expect(production).toMatch(/^ENV NODE_COMPILE_CACHE=\/app\/\.compile-cache$/m);
    expect(production).not.toMatch(/chown\b[^\n]*compile-cache/);
  });

  it("leaves the image's code, modules and configuration to root: nothing the service runs is the node user's to rewrite", () => {
    for (const stage of read('Dockerfile').split(/^(?=FROM )/m)) {
      if (!/^USER node$/m.test(stage)) continue;
      const copies = stage.split('\n').filter((line) => line.startsWith('COPY '));
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) expect(copy).not.toMatch(/--chown|--chmod/);
      expect(stage).not.toMatch(/^RUN [^\n]*\bchown\b/m);
    }
  });

  it('builds the production image, its default target, with nothing of the emulator in it', () => {
    const stages = read('Dockerfile')
      .split(/^(?=FROM )/m)
      .filter((stage) => stage.startsWith('FROM '));
    const production = stages.at(-1)!;
    expect(production).toMatch(/^FROM node:24\S* AS production$/m);
    const copies = production.split('\n').filter((line) => line.startsWith('COPY '));
    expect(copies.join('\n')).not.toMatch(/packages|emulator/);
    expect(copies.find((line) => line.includes('node_modules'))).toContain('--from=production-modules');
    expect(stages.find((stage) => /AS production-modules$/m.test(stage))).toContain(
      'rm -rf node_modules/genesys-emulator',
    );
  });
});
