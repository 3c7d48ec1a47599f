/**
 * A worker thread of count-parallel.ts: counts the batches it claims from the
 * shared counter with its own tokenizer, writes each count into shared memory,
 * and signals when no batch is left — whatever happens, so the main thread
 * never waits on a worker that failed (it counts unfinished batches itself).
 * A failure is recorded in shared memory too, for the main thread to report.
 * Nothing is imported before the `try`: signalling needs only the buffers.
 */
import { workerData } from "node:worker_threads";

try {
  const [{ claimBatches, isWorkerData }, { withTokenizers }] = await Promise.all([import("./count-parallel.js"), import("./tokenizer.js")]);
  const work: unknown = workerData;
  if (!isWorkerData(work)) throw new Error("started without its shared work");
  withTokenizers((tokenizers) => claimBatches(work, tokenizers.counter(work.encoding)));
} catch (error) {
  recordFailure(error);
} finally {
  const done = shared("done");
  if (done) {
    const counter = new Int32Array(done);
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  }
}

/** Counts this worker as failed; the first failed worker also leaves its message. */
function recordFailure(error: unknown): void {
  const failed = shared("failed");
  if (!failed) return;
  const counters = new Int32Array(failed);
  const failure = shared("failure");
  if (failure && Atomics.compareExchange(counters, 1, 0, 1) === 0) {
    Buffer.from(failure).write(error instanceof Error ? error.message : String(error), "utf8");
  }
  Atomics.add(counters, 0, 1);
}

/** One of the shared buffers the worker was started with, if it was. */
function shared(name: "done" | "failed" | "failure"): SharedArrayBuffer | undefined {
  const data: unknown = workerData;
  const buffer: unknown = typeof data === "object" && data !== null ? Reflect.get(data, name) : undefined;
  return buffer instanceof SharedArrayBuffer ? buffer : undefined;
}
