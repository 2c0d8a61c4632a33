import { keepCompiledCode } from './compile-cache';
import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { createApp, serve } from '../bootstrap';

// The live heap is ~45 MB; under load V8's default lets old space grow to about four times that
// between full collections (peak RSS ~190 MB on the config endpoint). Growing it 2× at most keeps
// the peak near 170 MB with no measurable loss of throughput (BENCHMARKS.md).
setFlagsFromString('--heap-growing-percent=100');

/** The service, as production runs it: configured by its environment alone. */
serve(() => createApp(), keepCompiledCode);
