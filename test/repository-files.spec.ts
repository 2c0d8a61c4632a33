import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { variableNames } from '../src/config/environment';
import { ENVIRONMENT_SCHEMAS } from '../src/config/environment-schemas';

const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const configVariables = new Set(ENVIRONMENT_SCHEMAS.flatMap((schema) => variableNames(schema)));

describe('README configuration table', () => {
  const documented = [...read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]);

  it('lists every variable the config classes read, and no other', () => {
    expect([...documented].sort()).toEqual([...configVariables].sort());
  });

  it('lists each variable once', () => {
    expect(new Set(documented).size).toBe(documented.length);
  });
});

describe('.env.example', () => {
  it('mentions only variables the service reads', () => {
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !configVariables.has(name))).toEqual([]);
  });
});

interface ComposeService {
  build?: unknown;
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
}

describe('docker-compose.yml', () => {
  const compose = load(read('docker-compose.yml')) as { services: Record<string, ComposeService> };

  it('runs the gateway from the Dockerfile, and Redis', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['gateway', 'redis']));
    expect(compose.services.gateway.build).toBe('.');
  });

  it('sets only variables the service reads', () => {
    const names = Object.keys(compose.services.gateway.environment ?? {});
    expect(names.filter((name) => !configVariables.has(name))).toEqual([]);
  });

  it('publishes the port the gateway listens on and probes its readiness there', () => {
    const gateway = compose.services.gateway;
    const port = gateway.environment?.PORT ?? '3000';
    expect(gateway.ports?.map((mapping) => mapping.split(':').pop())).toContain(port);
    expect(gateway.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/health/ready`);
  });

  it('builds on a Node 24 image and runs as a non-root user', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:24/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
