/** The minimum of a logger an outage report needs (Nest's Logger, a test's recorder). */
export interface OutageLog {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * Whether Redis is out, as every part that talks to it sees it: the connection under the cache
 * store, SharedStateStore's commands and the work queue's own BullMQ connections all report here.
 * An outage is one warning, whichever part met it first and however many reconnection attempts
 * fail meanwhile (BullMQ reports each attempt of each of its connections), and one line when any
 * part reaches Redis again.
 */
export class RedisOutage {
  private out = false;

  constructor(private readonly logger: OutageLog) {}

  get isOut(): boolean {
    return this.out;
  }

  failed(where: string, error: Error): void {
    if (this.out) return;
    this.out = true;
    this.logger.warn(
      `Redis unavailable (${where}: ${error.message}); each instance uses its own memory until it answers, and says so here then`,
    );
  }

  answered(): void {
    if (!this.out) return;
    this.out = false;
    this.logger.log('Redis answers again; state is shared again');
  }
}

const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Whether an error is Redis not being reachable (rather than Redis refusing one command). */
export function isConnectionFailure(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (
    (code !== undefined && CONNECTION_FAILURES.has(code)) ||
    /connection is closed|socket closed unexpectedly|connect timeout/i.test(error.message.slice(0, 200))
  );
}
