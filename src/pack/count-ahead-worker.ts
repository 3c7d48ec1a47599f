/**
 * The worker thread of count-ahead.ts: for each batch posted while atoms are
 * parsed, claims it (unless the main thread already did), counts its texts
 * with its own tokenizer into shared memory, and marks it done, or failed so
 * that the main thread counts it instead.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { AheadJob, AheadMemory } from "./count-ahead.js";
import { Tokenizers } from "./tokenizer.js";

const memory: AheadMemory = workerData;
const state = new Int32Array(memory.state);
const counts = new Int32Array(memory.counts);
const tokenizers = new Tokenizers();

parentPort?.on("message", (job: AheadJob) => {
  if (Atomics.compareExchange(state, job.batch, 0, 1) !== 0) return;
  try {
    const count = tokenizers.counter(job.encoding);
    job.texts.forEach((text, index) => {
      counts[job.first + index] = count(text);
    });
    Atomics.store(state, job.batch, 2);
  } catch {
    Atomics.store(state, job.batch, 3);
  }
  Atomics.notify(state, job.batch);
});
