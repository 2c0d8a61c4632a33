import type { IncomingMessage } from 'node:http';
import { parseSignature } from '../src/attribute-signature/signature-format';
import { readTokenHeader } from '../src/auth/token-rules';
import { assertValidEnvironment, variableNames } from '../src/config/environment';
import { ENVIRONMENT_SCHEMAS } from '../src/environment-schemas';
import { assignRequestId } from '../src/logging/request-id';

/**
 * Every pattern the service applies to input it does not write itself, fed 64 KB strings shaped
 * against it. The attribute checks have their own spec beside them (attribute-values.spec.ts).
 * The bound is generous: a linear pass over 64 KB takes well under a millisecond, a quadratic
 * one seconds, so this catches the second without timing the first.
 */
const KB64 = 64 * 1024;
const BOUND_MS = 250;
const SHAPES = [
  '.'.repeat(KB64),
  ','.repeat(KB64),
  `a${':'.repeat(KB64)}`,
  `k1:${'x'.repeat(KB64)},`,
  `https://${'a'.repeat(KB64)},`,
  `https://a,${' '.repeat(KB64)}`,
  `1${'.'.repeat(KB64)}/`,
  `HS256,${' '.repeat(KB64)}`,
  `a${'-'.repeat(KB64)}!`,
  `v2.${'1'.repeat(KB64)}`,
  `eyJ${'A'.repeat(KB64)}.x`,
];

/**
 * The fastest of three runs: a busy machine (a garbage collection, another process) slows one run, never a pattern's
 * order.
 */
function elapsedMs(run: () => unknown): number {
  let fastest = Infinity;
  for (let attempt = 0; attempt < 3 && fastest >= BOUND_MS; attempt += 1) {
    const started = process.hrtime.bigint();
    try {
      run();
    } catch {
      // Refusing is the expected outcome; only the time matters here.
    }
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return fastest;
}

describe('patterns on 64 KB of hostile input', () => {
  it.each(SHAPES.map((shape, index) => [index, shape]))(
    'shape %s: every environment variable is checked in bounded time',
    (_index, shape) => {
      const env = Object.fromEntries(ENVIRONMENT_SCHEMAS.flatMap(variableNames).map((name) => [name, shape]));
      expect(elapsedMs(() => assertValidEnvironment(ENVIRONMENT_SCHEMAS, env))).toBeLessThan(BOUND_MS);
    },
  );

  it.each(SHAPES.map((shape, index) => [index, shape]))(
    'shape %s: a signature, a JWT header and a request id are read in bounded time',
    (_index, shape) => {
      expect(elapsedMs(() => parseSignature(shape))).toBeLessThan(BOUND_MS);
      expect(elapsedMs(() => readTokenHeader(shape))).toBeLessThan(BOUND_MS);
      expect(
        elapsedMs(() => assignRequestId({ headers: { 'x-request-id': shape } } as unknown as IncomingMessage)),
      ).toBeLessThan(BOUND_MS);
    },
  );
});
