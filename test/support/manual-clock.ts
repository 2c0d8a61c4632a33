import type { Clock } from '../../src/clock/clock';

interface PendingSleep {
  until: number;
  resolve: () => void;
}

/**
 * A clock that moves only when told: token lifetimes, retry waits and rate windows without
 * sleeping. Serves the service's Clock and the emulator's (which reads `now` only).
 */
export class ManualClock implements Clock {
  private readonly sleeping: PendingSleep[] = [];

  constructor(private current = Date.parse('2026-11-24T09:00:00.000Z')) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new DOMException('The operation was aborted', 'AbortError'));
      // The listener goes when the sleep ends, as timers/promises removes its own: a long-lived
      // signal (the service's shutdown) would otherwise collect one per sleep.
      const onAbort = () => {
        this.sleeping.splice(this.sleeping.indexOf(pending), 1);
        reject(new DOMException('The operation was aborted', 'AbortError'));
      };
      const pending: PendingSleep = {
        until: this.current + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleeping.push(pending);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** When the earliest waiting sleep is due, if any is waiting. */
  nextWakeUp(): number | undefined {
    return this.sleeping.length === 0 ? undefined : Math.min(...this.sleeping.map((pending) => pending.until));
  }

  /**
   * Runs `work` to its end, moving the clock to the next due sleep whenever everything else has
   * had its turn: a service waiting out a rate window or a Retry-After finishes at once, and the
   * clock reads as if the time had passed. Real I/O between turns (the service, the emulator, the
   * test's HTTP client) goes on in real time; while `busy()` says some is under way, the clock
   * stays put, so a request on the wire never lands in a later window than the one it left in.
   */
  async drive<T>(work: Promise<T>, busy: () => boolean = () => false): Promise<T> {
    let finished = false;
    const watched = work.finally(() => (finished = true));
    watched.catch(() => undefined);
    let idleTurns = 0;
    for (let turn = 0; !finished && turn < 100_000; turn += 1) {
      // A real millisecond: sockets are read between event-loop turns, not within them.
      await new Promise((resolve) => setTimeout(resolve, 1));
      const due = this.nextWakeUp();
      idleTurns = due === undefined || busy() ? 0 : idleTurns + 1;
      if (due !== undefined && idleTurns >= 3) {
        this.advance(Math.max(0, due - this.current));
        idleTurns = 0;
      }
    }
    return watched;
  }

  /** How many sleeps are waiting for the clock to move. */
  get sleepers(): number {
    return this.sleeping.length;
  }

  /** Moves time on and wakes every sleep that is due. */
  advance(ms: number): void {
    this.current += ms;
    for (const due of this.sleeping.filter((pending) => pending.until <= this.current)) {
      this.sleeping.splice(this.sleeping.indexOf(due), 1);
      due.resolve();
    }
  }

  /** Moves time on, and lets what the woken sleeps start run before resolving. */
  async elapse(ms: number): Promise<void> {
    this.advance(ms);
    await settled();
  }
}

/** Lets pending callbacks (promise reactions, immediates) run: a few event-loop turns, no real waiting. */
export async function settled(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}
