import WebSocket, { type RawData } from 'ws';

/** A Guest API frame larger than this is not an answer to a visitor's message; the socket closes (1009). */
const MAX_FRAME_BYTES = 1024 * 1024;

export interface GuestSessionOptions {
  /** `wss://webmessaging.<region>/v1?deploymentId=...` */
  url: string;
  deploymentId: string;
  /** Sent as the Origin header; deployments can restrict the origins they accept. */
  origin?: string;
  /** Bound on every step: the handshake, configureSession, each message's echo. */
  timeoutMs: number;
}

type Frame = { type?: unknown; class?: unknown; code?: unknown; body?: unknown };

/**
 * Why the Guest API did not do what a visitor's browser needs: the step, what it answered, and its refusal code if any.
 */
export class GuestSessionError extends Error {
  constructor(
    readonly step: 'connect' | 'configureSession' | 'onMessage',
    message: string,
    readonly refusal?: { code: number; retryAfterSeconds?: number },
  ) {
    super(`${step}: ${message}`);
    this.name = 'GuestSessionError';
  }
}

/**
 * What the refusal codes mean, as Genesys's Messenger transport SDK names them (core/ErrorCode.kt);
 * the 4xx and 5xx of HTTP stand for themselves.
 */
const REFUSALS: Readonly<Record<number, string>> = {
  4006: 'the session has expired',
  4007: 'the session was not found',
  4011: 'the message is too long',
  4013: "the custom attributes are larger than the session's maxCustomDataBytes",
  4020: 'a required parameter is missing',
  4029: 'the message rate is too high for this session',
  5000: 'an unexpected error on the platform',
};

/** A frame that answers with a refusal: a response whose code is not 200, or an event that ends the session. */
function refusalIn(frame: Frame, step: GuestSessionError['step']): GuestSessionError | undefined {
  if (frame.class === 'SessionExpiredEvent')
    return new GuestSessionError(step, 'the session has expired (SessionExpiredEvent)', { code: 4006 });
  if (frame.class === 'ConnectionClosedEvent')
    return new GuestSessionError(
      step,
      'the platform closed this connection (ConnectionClosedEvent: another took its place in the session)',
    );
  if (frame.type !== 'response' || frame.code === 200) return undefined;
  if (frame.class === 'TooManyRequestsErrorMessage') {
    const body = (typeof frame.body === 'object' && frame.body !== null ? frame.body : {}) as {
      retryAfter?: unknown;
      errorCode?: unknown;
      errorMessage?: unknown;
    };
    const code = typeof body.errorCode === 'number' ? body.errorCode : 4029;
    const retryAfterSeconds =
      Number.isInteger(body.retryAfter) && (body.retryAfter as number) >= 0 ? (body.retryAfter as number) : undefined;
    const text = typeof body.errorMessage === 'string' ? body.errorMessage.slice(0, 300) : REFUSALS[4029];
    return new GuestSessionError(
      step,
      `refused (${code}): ${text}${retryAfterSeconds === undefined ? '' : `; retry after ${retryAfterSeconds} s`}`,
      { code, retryAfterSeconds },
    );
  }
  const code = typeof frame.code === 'number' ? frame.code : 0;
  const meaning = REFUSALS[code];
  return new GuestSessionError(
    step,
    `refused (${code}${meaning ? `, ${meaning}` : ''}): ${String(frame.body).slice(0, 300)}`,
    { code },
  );
}

/**
 * One visitor's Web Messaging Guest API session, as Messenger holds it in a browser
 * (docs/genesys-platform.md): a WebSocket, `configureSession` with a token the client makes up,
 * then `onMessage` with the custom attributes in `message.channel.metadata.customAttributes`;
 * the platform echoes each inbound message, which gives its id.
 */
export class GuestSession {
  private readonly frames: Frame[] = [];
  private waiter: ((frame: Frame | Error) => void) | undefined;

  private constructor(
    private readonly socket: WebSocket,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (data: RawData) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        return;
      }
      if (this.waiter) this.waiter(frame);
      else this.frames.push(frame);
    });
    socket.on('close', () => this.waiter?.(new Error('the connection closed')));
  }

  static async open(options: GuestSessionOptions, token: string): Promise<GuestSession> {
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      const opening = new WebSocket(options.url, {
        handshakeTimeout: options.timeoutMs,
        maxPayload: MAX_FRAME_BYTES,
        ...(options.origin ? { origin: options.origin } : {}),
      });
      opening.once('open', () => resolve(opening));
      opening.once('unexpected-response', (_request, response) => {
        opening.terminate();
        reject(new GuestSessionError('connect', `the Guest API answered HTTP ${response.statusCode} to the upgrade`));
      });
      opening.once('error', (error) => reject(new GuestSessionError('connect', error.message)));
    });
    socket.on('error', () => socket.terminate());
    const session = new GuestSession(socket, token, options.timeoutMs);
    const answer = await session.request(
      { action: 'configureSession', deploymentId: options.deploymentId, token },
      'configureSession',
      (frame) => frame.class === 'SessionResponse',
    );
    if ((answer.body as { connected?: unknown } | undefined)?.connected !== true) {
      session.close();
      throw new GuestSessionError('configureSession', 'the session is not connected');
    }
    return session;
  }

  /** Sends a Text message with these custom attributes; resolves with the id the platform gave it. */
  async sendText(text: string, customAttributes: Readonly<Record<string, string>>): Promise<{ messageId: string }> {
    const echo = await this.request(
      {
        action: 'onMessage',
        token: this.token,
        message: { type: 'Text', text, channel: { metadata: { customAttributes } } },
      },
      'onMessage',
      (frame) =>
        frame.class === 'StructuredMessage' &&
        (frame.body as { direction?: unknown } | undefined)?.direction === 'Inbound',
    );
    const messageId = (echo.body as { id?: unknown }).id;
    if (typeof messageId !== 'string') throw new GuestSessionError('onMessage', 'the echo carries no message id');
    return { messageId };
  }

  close(): void {
    this.socket.close();
  }

  /**
   * Sends a request and waits, at most `timeoutMs`, for the frame that answers it: the one `answers`
   * accepts, or a refusal (a response whose code is not 200, the session's expiry or the connection's
   * closing). Other frames (an agent's or a bot's
   * messages, typing events) are passed over.
   */
  private request(
    payload: object,
    step: GuestSessionError['step'],
    answers: (frame: Frame) => boolean,
  ): Promise<Frame> {
    return new Promise<Frame>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(
        () => finish(new GuestSessionError(step, `no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const finish = (outcome: Frame | Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiter = undefined;
        if (outcome instanceof Error)
          reject(outcome instanceof GuestSessionError ? outcome : new GuestSessionError(step, outcome.message));
        else resolve(outcome);
      };
      const consider = (frame: Frame | Error) => {
        if (frame instanceof Error) return finish(frame);
        const refused = refusalIn(frame, step);
        if (refused) return finish(refused);
        if (answers(frame)) return finish(frame);
      };
      this.waiter = consider;
      // Frames that came before the request (a bot's greeting) are passed over as any other.
      for (const frame of this.frames.splice(0)) if (!done) consider(frame);
      this.socket.send(JSON.stringify(payload), (error) => error && finish(error));
    });
  }
}
