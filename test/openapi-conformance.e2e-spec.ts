import { load } from 'js-yaml';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConformance } from './support/openapi-conformance';
import { startTestApp, type TestApp } from './support/test-app';
import { serviceToken } from './support/test-tokens';

interface Operation {
  operationId: string;
  requestBody?: unknown;
}
const document = load(readFileSync(join(__dirname, '..', 'openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
/** Every operation that takes a body, with a path to call it on. */
const BODY_OPERATIONS = Object.entries(document.paths).flatMap(([template, methods]) =>
  Object.entries(methods)
    .filter(([, operation]) => operation.requestBody !== undefined)
    .map(([method, operation]) => ({
      method,
      path: template.replace(/\{\w+\}/g, randomUUID()),
      operationId: operation.operationId,
    })),
);
const BODY_LIMIT_BYTES = 4096;

/**
 * The faulty calls every operation that takes a body can get, whatever its route does: a body that
 * is not JSON, JSON that does not parse, a body over BODY_LIMIT_BYTES. Every test app holds each
 * answer to openapi.yaml (test/support/openapi-conformance.ts), so these fail on any of them
 * the document does not describe.
 */
describe('answers to faulty calls, on every operation that takes a body, as openapi.yaml documents them', () => {
  let t: TestApp;
  const auth = { authorization: `Bearer ${serviceToken(['attributes:issue', 'conversations:verify'])}` };
  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } });
  });
  afterAll(() => t.close());

  it('reads the operations that take a body from the document', () => {
    expect(BODY_OPERATIONS.map((operation) => operation.operationId).sort()).toEqual([
      'Audit_create',
      'Verification_batch',
      'Verification_signature',
      'Verification_verifyAgainst',
      'WidgetConfig_serviceConfig',
      'WidgetConfig_validate',
    ]);
  });

  it.each(BODY_OPERATIONS)(
    '$operationId: 415 for a body that is not JSON, 400 for JSON that does not parse, 413 for one over the limit',
    async ({ method, path }) => {
      const call = () => (method === 'post' ? t.http.post(path) : t.http.put(path)).set(auth);
      expect((await call().set('content-type', 'text/plain').send('userId=usr_1')).body).toMatchObject({
        statusCode: 415,
        error: 'unsupported_media_type',
      });
      expect((await call().set('content-type', 'application/json').send('{"attributes": ')).body).toMatchObject({
        statusCode: 400,
        error: 'malformed_body',
      });
      const oversized = JSON.stringify({ attributes: { note: 'x'.repeat(BODY_LIMIT_BYTES) } });
      expect((await call().set('content-type', 'application/json').send(oversized)).body).toMatchObject({
        statusCode: 413,
        error: 'payload_too_large',
      });
    },
  );
});

describe('the conformance check itself', () => {
  it('names an answer whose status, content type or body the document does not describe, and passes one it does', async () => {
    const problemOf = await loadConformance();
    const ok = { statusCode: 404, error: 'audit_not_found', message: 'm', details: [], requestId: 'r' };
    const auditPath = `/api/verification/audits/${randomUUID()}`;
    expect(
      problemOf({
        method: 'GET',
        url: auditPath,
        status: 404,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify(ok),
      }),
    ).toBeUndefined();
    expect(
      problemOf({ method: 'GET', url: auditPath, status: 418, contentType: 'application/json', body: '{}' }),
    ).toMatch(/answered 418, which Audit_find does not document/);
    expect(problemOf({ method: 'GET', url: auditPath, status: 404, contentType: 'text/html', body: '<p>' })).toMatch(
      /as text\/html, where Audit_find lists application\/json/,
    );
    expect(
      problemOf({
        method: 'GET',
        url: auditPath,
        status: 404,
        contentType: 'application/json',
        body: '{"statusCode":404}',
      }),
    ).toMatch(/off the schema/);
    expect(
      problemOf({ method: 'GET', url: '/api/nothing-here', status: 200, contentType: 'application/json', body: '{}' }),
    ).toMatch(/has no such operation/);
  });
});
