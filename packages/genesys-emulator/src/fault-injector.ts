/** Route keys faults and counters are kept by. `api` stands for every Platform API route. */
export const EMULATOR_ROUTES = [
  'oauth.token',
  'conversations.get',
  'conversations.messages.get',
  'conversations.messages.details',
  'conversations.participants.attributes',
  'conversations.messages.participants.attributes',
  'analytics.details.query',
  'analytics.jobs.create',
  'analytics.jobs.get',
  'analytics.jobs.results',
  'analytics.jobs.delete',
  'analytics.jobs.availability',
] as const;

export type EmulatorRoute = (typeof EMULATOR_ROUTES)[number];
/**
 * A visitor's onMessage on the Guest API socket: 429 answers 4029 with its retryAfter, 500/503 5000, 401/403 a 403
 * refusal.
 */
export const GUEST_MESSAGE_FAULTS = 'guest.onMessage';
export type FaultTarget = EmulatorRoute | 'api' | typeof GUEST_MESSAGE_FAULTS;

export const FAULT_KINDS = ['401', '403', '429', '500', '503', 'hang', 'drop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  route: FaultTarget;
  kind: FaultKind;
  /** How many of the next matching requests get this fault. */
  count: number;
  /** For 429: the Retry-After header in seconds; null sends none. Default 1. */
  retryAfterSeconds?: number | null;
  /** For hang: how long to hold the request before dropping it. Default 60000. */
  hangMs?: number;
}

/** Faults queued per route; each matching request consumes one, first in first out. */
export class FaultInjector {
  private queue: Fault[] = [];

  add(fault: Fault): void {
    if (fault.count > 0) this.queue.push({ ...fault });
  }

  clear(): void {
    this.queue = [];
  }

  pending(): readonly Fault[] {
    return this.queue.map((fault) => ({ ...fault }));
  }

  take(route: EmulatorRoute | typeof GUEST_MESSAGE_FAULTS): Fault | undefined {
    const isPlatformApi = route !== 'oauth.token' && route !== GUEST_MESSAGE_FAULTS;
    const index = this.queue.findIndex((fault) => fault.route === route || (fault.route === 'api' && isPlatformApi));
    if (index < 0) return undefined;
    const fault = this.queue[index];
    fault.count -= 1;
    if (fault.count === 0) this.queue.splice(index, 1);
    return { ...fault, count: 1 };
  }
}
