import type { ReadRequest } from '@kubently/protocol';

import type { KubectlOutcome } from './kubectl-run.js';

/**
 * The port a collector reads collections through when the executor offers the structured read
 * path (decision 0011): one collection per call, answered as a List's JSON in `stdout` (kubectl's
 * `get -o json` shape), with `metadata.continue` set when the output cap stopped it early; the
 * collector then reads again from that token. Resolves with an outcome, rejects only on abort.
 */
export type ListRead = (read: ReadRequest, signal: AbortSignal) => Promise<KubectlOutcome>;
