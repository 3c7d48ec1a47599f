/**
 * A worker thread of count-parallel.ts: claims batches of texts from a shared
 * counter, writes each text's token count into shared memory, and signals
 * when it has no batch left to claim.
 */
import { workerData } from "node:worker_threads";
import { get_encoding } from "tiktoken";
import type { Encoding } from "../model.js";
import { claimBatches, type SharedWork } from "./count-parallel.js";

const work = workerData as SharedWork & { encoding: Encoding };
const encoder = get_encoding(work.encoding);
try {
  claimBatches(work, (text) => encoder.encode_ordinary(text).length);
} finally {
  encoder.free();
  const done = new Int32Array(work.done);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
}
