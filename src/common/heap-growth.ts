import { setFlagsFromString } from 'node:v8';

// Sets how far V8 lets the JavaScript heap grow past what its last full collection kept. V8's own
// factor rises to 4 for a process that allocates fast, as a country-scale import does (parsed rows,
// COPY text, blobs: garbage within a batch or two), so such a process held three times its live
// set. V8 reads this flag each time a full collection sets the next limit, so it takes effect when
// set at run time, unlike the heap's size limits, which V8 fixes when the process starts. 0 gives
// V8's own factor back. Process-wide: the estimator threads share it.
export function applyHeapGrowth(percent: number): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
