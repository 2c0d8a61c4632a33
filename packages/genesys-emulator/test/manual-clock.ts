import type { Clock } from '../src/clock';

/** A clock that moves only when told: token lifetimes and rate windows without sleeping. */
export class ManualClock implements Clock {
  constructor(private current = Date.parse('2026-11-24T09:00:00.000Z')) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
