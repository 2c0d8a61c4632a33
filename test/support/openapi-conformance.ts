import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAPIBackend, type Document } from 'openapi-backend';

/**
 * Every answer an e2e test gets, held to the committed openapi.yaml: internal services generate
 * clients from it, so a status it does not document, a content type it does not list or a JSON
 * body off its schema is a bug in the document or in the service. openapi-backend matches the
 * operation and validates JSON bodies against the response's schema (with Ajv); this file only
 * says which answers are outside the API and asks whether the status is documented at all
 * (openapi-backend lets an undocumented status pass).
 */
export interface Answer {
  method: string;
  url: string;
  status: number;
  contentType?: string;
  /** The body as sent; undefined for a streamed one (its status and content type are still checked). */
  body?: string;
}

/**
 * Routes that are not the API: Swagger UI and its document; /metrics, Prometheus's scrape target
 * (documented for operators in docs/operations.md, absent from the API document on purpose: it answers
 * 404 in production without METRICS_TOKEN, and no client is generated for it); the test suites'
 * own probe controllers.
 */
const OUTSIDE_THE_API = /^\/(docs(\/|-json$|-yaml$|$)|metrics$|probe\/)/;

let backend: Promise<OpenAPIBackend> | undefined;

function openApi(): Promise<OpenAPIBackend> {
  if (backend) return backend;
  const definition = load(readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as Document;
  // Quick: the synchronous dereference of its own $refs. Its loader would import a parser
  // dynamically, which jest's VM refuses, and has nothing to load: the document is in hand (and
  // test/openapi.spec.ts validates it).
  const api = new OpenAPIBackend({ definition, strict: true, quick: true, validate: true });
  api.loadDocument = async () => (api.document = definition);
  backend = api.init();
  return backend;
}

/** Warms the validator, so that checking an answer is synchronous (the onSend hook of every test app). */
export async function loadConformance(): Promise<(answer: Answer) => string | undefined> {
  const api = await openApi();
  return (answer) => problemOf(api, answer);
}

function problemOf(api: OpenAPIBackend, answer: Answer): string | undefined {
  const [path, query = ''] = answer.url.split('?', 2);
  if (OUTSIDE_THE_API.test(path)) return undefined;
  const said = `${answer.method} ${path} answered ${answer.status}`;
  const operation = api.matchOperation({
    method: answer.method,
    path,
    headers: {},
    query: Object.fromEntries(new URLSearchParams(query)),
  });
  if (!operation) return `${said}: openapi.yaml has no such operation`;
  const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
  const documented =
    responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`] ?? responses.default;
  if (!documented)
    return `${said}, which ${operation.operationId} does not document (it documents ${Object.keys(responses).join(', ')})`;
  const mediaType = answer.contentType?.split(';')[0].trim().toLowerCase();
  const hasBody = answer.body === undefined || answer.body.length > 0;
  if (!hasBody) return undefined;
  const listed = Object.keys(documented.content ?? {});
  if (mediaType === undefined || !listed.includes(mediaType))
    return `${said} as ${mediaType ?? 'no content type'}, where ${operation.operationId} lists ${listed.join(', ') || 'no body'}`;
  if (mediaType !== 'application/json' || answer.body === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return `${said} with a body that is not JSON`;
  }
  const result = api.validateResponse(body, operation, answer.status);
  if (result.valid) return undefined;
  const errors = (result.errors ?? []).slice(0, 5).map((error) => `${error.instancePath || '(body)'} ${error.message}`);
  return `${said} off the schema openapi.yaml gives it: ${errors.join('; ')}`;
}
