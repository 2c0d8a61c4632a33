import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type ForcedCollection = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * One full, compacting garbage collection once start-up is over, as V8 runs under memory pressure:
 * start-up leaves garbage (decorator metadata building, module factories, configuration parsing)
 * and a young generation grown to its maximum, which an idle process otherwise keeps. Idle RSS on
 * Node 24: 130 -> 110 MB. It takes about 200 ms on a 2-core machine, so production runs it after
 * its first answer (after-first-answer.ts), not before the port opens (docs/performance.md,
 * BENCHMARKS.md "Start-up"). `gc` is exposed to a new context only, never to the service's own code.
 */
export function collectStartUpGarbage(): void {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as ForcedCollection;
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
