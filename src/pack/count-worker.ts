/**
 * A worker thread of count-parallel.ts: counts the batches it claims from the
 * shared counter with its own tokenizer, writes each count into shared memory,
 * and signals when no batch is left — whatever happens, so the main thread
 * never waits on a worker that failed (it counts unfinished batches itself).
 */
import { workerData } from "node:worker_threads";
import type { Encoding } from "../model.js";
import type { SharedWork } from "./count-parallel.js";

const work = workerData as SharedWork & { encoding: Encoding };
try {
  const [{ claimBatches }, { withTokenizers }] = await Promise.all([import("./count-parallel.js"), import("./tokenizer.js")]);
  withTokenizers((tokenizers) => claimBatches(work, tokenizers.counter(work.encoding)));
} finally {
  const done = new Int32Array(work.done);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
}
