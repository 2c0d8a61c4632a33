/** Milliseconds since the epoch. The emulator reads time only through this, so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
