import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EmulatedPlatform } from './emulator-platform';
import { isObject, readInboundMessage, type InboundMessage } from './inbound-message';
import type { DeliveredMessage, GuestSession } from './web-messaging';

/** A frame larger than this is refused by closing the socket (1009), before it is parsed. */
const MAX_FRAME_BYTES = 64 * 1024;

/** The Guest API's answers: `{ type: "response" | "message", class, code, body }`. */
const refusal = (code: number, body: string) => ({ type: 'response', class: 'string', code, body });

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
    if (url.searchParams.get('deploymentId') !== this.platform.deploymentId) return refuseUpgrade(socket, 400, 'Bad Request');
    this.server.handleUpgrade(request, socket, head, (client) => this.server.emit('connection', client, request));
  }

  close(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  private serve(socket: WebSocket): void {
    let session: GuestSession | undefined;
    const send = (frame: unknown) => socket.send(JSON.stringify(frame));
    socket.on('close', () => session && this.platform.webMessaging.disconnect(session));
    socket.on('error', () => socket.terminate());
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return send(refusal(400, 'frames are JSON text'));
      let request: unknown;
      try {
        request = JSON.parse(data.toString());
      } catch {
        return send(refusal(400, 'the frame is not JSON'));
      }
      if (!isObject(request) || typeof request.action !== 'string') return send(refusal(400, 'a request is { action, ... }'));
      switch (request.action) {
        case 'configureSession': {
          const outcome = this.platform.webMessaging.configure(request.deploymentId, request.token, request.startNew === true);
          if (!('session' in outcome)) return send(refusal(outcome.code, outcome.problem));
          if (session) this.platform.webMessaging.disconnect(session);
          session = outcome.session;
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
              durationSeconds: this.platform.webMessaging.sessionDurationSeconds,
              expirationDate: new Date(session.expiresAt).toISOString(),
            },
          });
        }
        case 'configureAuthenticatedSession':
          return send(refusal(400, 'authenticated sessions are not emulated; use configureSession'));
        case 'onMessage':
        case 'echo': {
          if (!session || request.token !== session.token) return send(refusal(403, 'configure the session with this token first'));
          const read = this.read(request);
          if ('problem' in read) return send(refusal(400, read.problem));
          if (request.action === 'echo') return send(structuredMessage({ id: 'echo', time: this.platform.clock.now(), message: read.message }));
          const delivered = this.platform.webMessaging.deliver(session, read.message);
          this.platform.control.record((counters) => void (counters.guestMessages += 1));
          return send(structuredMessage(delivered));
        }
        default:
          return send(refusal(400, `unknown action ${request.action.slice(0, 64)}`));
      }
    });
  }

  private read(request: Record<string, unknown>): { message: InboundMessage } | { problem: string } {
    // Where the Java SDK and older testers put them; the platform no longer reads it.
    if (isObject(request.channel) && request.channel.metadata !== undefined) {
      this.platform.control.record((counters) => void (counters.legacyAttributeLocations += 1));
    }
    const read = readInboundMessage(request.message);
    return 'message' in read ? read : { problem: `${read.field} ${read.problem}` };
  }
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
