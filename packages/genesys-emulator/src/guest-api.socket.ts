import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EmulatedPlatform } from './emulator-platform';
import { GUEST_MESSAGE_FAULTS, type Fault } from './fault-injector';
import { GUEST_API_CODES, type GuestRefusal } from './guest-api-codes';
import { isObject, readInboundMessage, type InboundMessage } from './inbound-message';
import { MAX_CONNECTIONS_PER_SESSION, type DeliveredMessage, type GuestSession } from './web-messaging';

/** A frame larger than this is refused by closing the socket (1009), before it is parsed. */
const MAX_FRAME_BYTES = 64 * 1024;

/** The Guest API's answers: `{ type: "response" | "message", class, code, body }`; a refusal's body is its message. */
const refusal = ({ code, problem }: GuestRefusal) => ({ type: 'response', class: 'string', code, body: problem });
/**
 * The transport SDK's TooManyRequestsErrorMessage: HTTP-like 429 outside, the Guest API code and when to retry inside.
 */
const tooManyRequests = (problem: string, retryAfter: number) => ({
  type: 'response',
  class: 'TooManyRequestsErrorMessage',
  code: 429,
  body: { retryAfter, errorCode: GUEST_API_CODES.requestRateTooHigh, errorMessage: problem },
});
/** Sent to a connection the platform closes because a newer one took its place in the session. */
const CONNECTION_CLOSED = { type: 'message', class: 'ConnectionClosedEvent', code: 200, body: {} };
const badRequest = (problem: string) => refusal({ code: GUEST_API_CODES.badRequest, problem });

function structuredMessage(delivered: Pick<DeliveredMessage, 'id' | 'time' | 'message'>) {
  const { message } = delivered;
  return {
    type: 'message',
    class: 'StructuredMessage',
    code: 200,
    body: {
      id: delivered.id,
      channel: { time: new Date(delivered.time).toISOString(), messageId: delivered.id },
      type: message.type,
      ...(message.text === undefined ? {} : { text: message.text }),
      ...(message.events === undefined ? {} : { events: message.events }),
      direction: 'Inbound',
      originatingEntity: 'Human',
      metadata: { correlationId: delivered.id },
    },
  };
}

/**
 * The Web Messaging Guest API on `/v1?deploymentId=`: JSON text frames, `configureSession` answered
 * with a SessionResponse, `onMessage` delivering the visitor's message (echoed back as the platform
 * does, which is how a client learns the message id), `echo` for keep-alives. Custom attributes are
 * read only from `message.channel.metadata.customAttributes`; the old top-level `channel.metadata`
 * is ignored, as the platform has done since 2026-06-05, and counted.
 */
export class GuestApiSocket {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  constructor(private readonly platform: EmulatedPlatform) {
    this.server.on('connection', (socket: WebSocket) => this.serve(socket));
  }

  /** For the HTTP server's `upgrade` event: takes `/v1` upgrades for this org's deployment, refuses the rest. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://emulator');
    if (url.pathname !== '/v1') return refuseUpgrade(socket, 404, 'Not Found');
    if (url.searchParams.get('deploymentId') !== this.platform.deploymentId)
      return refuseUpgrade(socket, 400, 'Bad Request');
    this.server.handleUpgrade(request, socket, head, (client) => this.server.emit('connection', client, request));
  }

  close(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  /** The open connections of each session, oldest first. */
  private readonly connections = new Map<GuestSession, WebSocket[]>();

  /** Takes a connection into its session; a fourth closes the oldest, as the platform allows three. */
  private join(session: GuestSession, socket: WebSocket): void {
    const open = this.connections.get(session) ?? [];
    open.push(socket);
    this.connections.set(session, open);
    while (open.length > MAX_CONNECTIONS_PER_SESSION) {
      const oldest = open.shift() as WebSocket;
      oldest.send(JSON.stringify(CONNECTION_CLOSED), () =>
        oldest.close(1000, "a newer connection took this one's place"),
      );
    }
  }

  private leave(session: GuestSession, socket: WebSocket): void {
    const open = (this.connections.get(session) ?? []).filter((other) => other !== socket);
    if (open.length === 0) this.connections.delete(session);
    else this.connections.set(session, open);
  }

  private serve(socket: WebSocket): void {
    let session: GuestSession | undefined;
    const send = (frame: unknown) => socket.send(JSON.stringify(frame));
    socket.on('close', () => session && this.leave(session, socket));
    socket.on('error', () => socket.terminate());
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return send(badRequest('frames are JSON text'));
      let request: unknown;
      try {
        request = JSON.parse(data.toString());
      } catch {
        return send(badRequest('the frame is not JSON'));
      }
      if (!isObject(request) || typeof request.action !== 'string')
        return send(badRequest('a request is { action, ... }'));
      switch (request.action) {
        case 'configureSession': {
          const outcome = this.platform.webMessaging.configure(
            request.deploymentId,
            request.token,
            request.startNew === true,
          );
          if ('problem' in outcome) return send(refusal(outcome));
          if (session) this.leave(session, socket);
          session = outcome.session;
          this.join(session, socket);
          this.platform.control.record((counters) => void (counters.guestSessions += outcome.newSession ? 1 : 0));
          return send({
            type: 'response',
            class: 'SessionResponse',
            code: 200,
            body: {
              connected: true,
              newSession: outcome.newSession,
              readOnly: false,
              maxCustomDataBytes: this.platform.webMessaging.maxCustomDataBytes,
              // No attachments are emulated: no inbound media, nothing blocked.
              allowedMedia: {},
              blockedExtensions: [],
              clearedExistingSession: false,
              durationSeconds: this.platform.webMessaging.sessionDurationSeconds,
              // Epoch seconds, as the transport SDK reads it (a Long it compares with now).
              expirationDate: Math.floor(session.expiresAt / 1000),
            },
          });
        }
        case 'configureAuthenticatedSession':
          return send(badRequest('authenticated sessions are not emulated; use configureSession'));
        case 'onMessage':
        case 'echo': {
          if (request.token === undefined)
            return send(refusal({ code: GUEST_API_CODES.missingParameter, problem: 'token is required' }));
          if (!session || request.token !== session.token)
            return send(
              refusal({
                code: GUEST_API_CODES.sessionNotFound,
                problem: 'no session with this token on this connection: configureSession first',
              }),
            );
          const read = this.read(request);
          if ('problem' in read) return send(refusal(read));
          if (request.action === 'echo')
            return send(structuredMessage({ id: 'echo', time: this.platform.clock.now(), message: read.message }));
          const fault = this.platform.faults.take(GUEST_MESSAGE_FAULTS);
          if (fault) return this.inject(fault, socket, send);
          const decision = this.platform.webMessaging.maySend(session);
          if (!('allowed' in decision)) {
            return send(
              decision.retryAfterSeconds === undefined
                ? refusal(decision)
                : tooManyRequests(decision.problem, decision.retryAfterSeconds),
            );
          }
          const delivered = this.platform.webMessaging.deliver(session, read.message);
          this.platform.control.record((counters) => void (counters.guestMessages += 1));
          return send(structuredMessage(delivered));
        }
        default:
          return send(badRequest(`unknown action ${request.action.slice(0, 64)}`));
      }
    });
  }

  /** An injected fault on a visitor's message, as the platform would show it on the socket. */
  private inject(fault: Fault, socket: WebSocket, send: (frame: unknown) => void): void {
    switch (fault.kind) {
      case '429':
        return send(tooManyRequests('Message rate too high for this session', fault.retryAfterSeconds ?? 1));
      case '500':
      case '503':
        return send(refusal({ code: GUEST_API_CODES.unexpected, problem: 'Request failed.' }));
      case '401':
      case '403':
        return send(
          refusal({ code: GUEST_API_CODES.forbidden, problem: 'Turn on the Feature Toggle or fix the configuration.' }),
        );
      case 'drop':
        return socket.terminate();
      case 'hang':
        return;
    }
  }

  private read(request: Record<string, unknown>): { message: InboundMessage } | GuestRefusal {
    // Where the Java SDK and older testers put them; the platform no longer reads it.
    if (isObject(request.channel) && request.channel.metadata !== undefined) {
      this.platform.control.record((counters) => void (counters.legacyAttributeLocations += 1));
    }
    const read = readInboundMessage(request.message);
    return 'message' in read ? read : { code: read.code, problem: `${read.field} ${read.problem}` };
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
