import {
  createHmac,
  createPublicKey,
  createSecretKey,
  timingSafeEqual,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';
import { createServer } from 'node:http';
import {
  BENCH_AUDIENCE,
  BENCH_DEPLOYMENT_ID,
  BENCH_ISSUER,
  BENCH_JWT_SECRET,
  BENCH_SIGNING_SECRET,
  signedAttributes,
} from './bench-claims';

/**
 * The floor: the config endpoint's work done by hand on node:http and node:crypto (verify the
 * JWT with a prepared key, check exp/iss/aud, build and sign the attributes, answer JSON).
 * HS256 by default; RS256 with BENCH_RS256_PUBLIC_KEY (PEM).
 */
const hmacKey = createSecretKey(Buffer.from(BENCH_JWT_SECRET));
const rsaKey: KeyObject | undefined = process.env.BENCH_RS256_PUBLIC_KEY
  ? createPublicKey(process.env.BENCH_RS256_PUBLIC_KEY)
  : undefined;
const signingKey = createSecretKey(Buffer.from(BENCH_SIGNING_SECRET));
const expectedAlg = rsaKey ? 'RS256' : 'HS256';

function verifyJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string };
  if (header.alg !== expectedAlg) return undefined;
  const signed = `${parts[0]}.${parts[1]}`;
  const signature = Buffer.from(parts[2], 'base64url');
  const valid = rsaKey
    ? verifySignature('RSA-SHA256', Buffer.from(signed), rsaKey, signature)
    : (() => {
        const expected = createHmac('sha256', hmacKey).update(signed).digest();
        return expected.length === signature.length && timingSafeEqual(expected, signature);
      })();
  if (!valid) return undefined;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as Record<string, unknown>;
  const now = Date.now() / 1000;
  if (
    typeof claims.exp !== 'number' ||
    claims.exp < now ||
    claims.iss !== BENCH_ISSUER ||
    claims.aud !== BENCH_AUDIENCE
  )
    return undefined;
  return claims;
}

const server = createServer((request, response) => {
  const header = request.headers.authorization ?? '';
  const claims =
    request.url === '/api/web-messaging/config' && header.startsWith('Bearer ')
      ? verifyJwt(header.slice(7))
      : undefined;
  if (!claims) {
    response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    return;
  }
  const issuedAt = new Date();
  const body = JSON.stringify({
    widgetId: BENCH_DEPLOYMENT_ID,
    organizationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    environment: 'prod',
    region: 'mypurecloud.com',
    guestAttributes: signedAttributes(claims, signingKey),
    routing: {
      queueId: claims.tier === 'Gold' ? 'queue-support-gold' : 'queue-support',
      defaultQueueId: 'queue-support',
    },
    issuedAt: issuedAt.toISOString(),
    expiresAt: new Date(issuedAt.getTime() + 3600_000).toISOString(),
  });
  // Written from the check phase, as the service writes its responses: deferring the write this
  // way lets the same work run in ~35 instead of ~63 µs of CPU, and the floor is the limit.
  setImmediate(() =>
    response
      .writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      .end(body),
  );
});

server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
