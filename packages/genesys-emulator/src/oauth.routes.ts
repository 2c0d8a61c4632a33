import type { FastifyInstance, FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { EmulatedPlatform } from './emulator-platform';
import { applyFault } from './platform-gate';

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ error, description, error_description: description });
}

/** The login host's client-credentials grant (`POST /oauth/token`, Basic client authentication, a form body). */
export function registerOauthRoutes(app: FastifyInstance, platform: EmulatedPlatform): void {
  const { control, client, tokens } = platform;
  app.post('/oauth/token', async (request, reply) => {
    control.record((counters) => {
      counters.tokenRequests += 1;
    });
    if (applyFault(platform, 'oauth.token', request, reply)) return reply;
    const contentType = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      return oauthError(reply, 400, 'invalid_request', 'content type must be application/x-www-form-urlencoded');
    }
    const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
    const [givenId, ...secretParts] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
    if (
      !basic ||
      !constantTimeEquals(givenId ?? '', client.clientId) ||
      !constantTimeEquals(secretParts.join(':'), client.clientSecret)
    ) {
      return oauthError(reply, 401, 'invalid_client', 'authentication failed');
    }
    const grantType = new URLSearchParams(String(request.body ?? '')).get('grant_type');
    if (grantType === null) return oauthError(reply, 400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', `grant type ${grantType} is not supported`);
    }
    const issued = tokens.issue();
    control.record((counters) => {
      counters.tokensIssued += 1;
    });
    return reply
      .header('cache-control', 'no-store')
      .send({ access_token: issued.accessToken, token_type: 'bearer', expires_in: issued.expiresIn });
  });
}
