import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Encoding } from "../model.js";
import type { CountTokens } from "./tokenizer.js";

/** Below this much text, counting on the main thread beats starting workers (each loads its own tokenizer). */
const PARALLEL_THRESHOLD = 4 * 1024 * 1024;
const BATCH_BYTES = 256 * 1024;
/** How long to wait for a silent worker before counting its batch on the main thread. */
const STALL_MS = 30_000;

/** Texts and shared memory of one parallel count; every thread claims batches from `next`. */
export interface SharedWork {
  texts: string[];
  /** Batch i covers texts [starts[i], starts[i + 1]). */
  starts: number[];
  /** Int32 [next batch to claim]. */
  next: SharedArrayBuffer;
  /** Int32 per batch: 0 open, 1 claimed, 2 done. */
  state: SharedArrayBuffer;
  /** Int32 per text: its count. */
  counts: SharedArrayBuffer;
  /** Int32 [workers finished]. */
  done: SharedArrayBuffer;
}

/**
 * Counts many texts, spreading large jobs over worker threads while the main
 * thread counts too. Synchronous, and the same numbers as counting one by one:
 * each count is the count of one whole text, whoever makes it.
 */
export function countMany(texts: readonly string[], encoding: Encoding, count: CountTokens): number[] {
  let bytes = 0;
  for (const text of texts) bytes += text.length;
  const workers = workerCount(bytes);
  const script = workerScript();
  if (workers < 1 || !script) return texts.map(count);

  const work = shareWork(texts);
  const threads = Array.from({ length: workers }, () => new Worker(script, { workerData: { ...work, encoding } }));
  for (const thread of threads) thread.unref();
  claimBatches(work, count);
  waitForWorkers(work, workers, count);
  for (const thread of threads) void thread.terminate();
  return Array.from(new Int32Array(work.counts));
}

/**
 * One worker per 4 MB of text, leaving a core to the main thread, at most 3.
 * LLMSGEN_WORKERS=N overrides it (0 counts everything on the main thread).
 */
function workerCount(bytes: number): number {
  const forced = process.env.LLMSGEN_WORKERS;
  if (forced !== undefined && /^\d+$/.test(forced)) return Number(forced);
  return Math.min(availableParallelism() - 1, 3, Math.floor(bytes / PARALLEL_THRESHOLD));
}

/** Claims open batches until none is left, counting each with `count`. Runs on every thread. */
export function claimBatches(work: SharedWork, count: CountTokens): void {
  const next = new Int32Array(work.next);
  const state = new Int32Array(work.state);
  const counts = new Int32Array(work.counts);
  for (;;) {
    const batch = Atomics.add(next, 0, 1);
    if (batch >= work.starts.length - 1) return;
    Atomics.store(state, batch, 1);
    for (let i = work.starts[batch] as number; i < (work.starts[batch + 1] as number); i++) counts[i] = count(work.texts[i] as string);
    Atomics.store(state, batch, 2);
  }
}

/** Blocks until every worker is done; a batch whose worker went silent is counted here instead. */
function waitForWorkers(work: SharedWork, workers: number, count: CountTokens): void {
  const done = new Int32Array(work.done);
  const state = new Int32Array(work.state);
  const counts = new Int32Array(work.counts);
  let finished = Atomics.load(done, 0);
  let waited = 0;
  while (finished < workers) {
    if (Atomics.wait(done, 0, finished, 100) === "timed-out") waited += 100;
    else waited = 0;
    finished = Atomics.load(done, 0);
    if (waited >= STALL_MS) {
      for (let batch = 0; batch < work.starts.length - 1; batch++) {
        if (Atomics.load(state, batch) === 2) continue;
        for (let i = work.starts[batch] as number; i < (work.starts[batch + 1] as number); i++) counts[i] = count(work.texts[i] as string);
        Atomics.store(state, batch, 2);
      }
      return;
    }
  }
}

function shareWork(texts: readonly string[]): SharedWork {
  const starts = [0];
  let size = 0;
  texts.forEach((text, index) => {
    size += text.length;
    if (size >= BATCH_BYTES) {
      starts.push(index + 1);
      size = 0;
    }
  });
  if (starts[starts.length - 1] !== texts.length) starts.push(texts.length);
  return {
    texts: [...texts],
    starts,
    next: new SharedArrayBuffer(4),
    state: new SharedArrayBuffer(4 * starts.length),
    counts: new SharedArrayBuffer(4 * Math.max(texts.length, 1)),
    done: new SharedArrayBuffer(4),
  };
}

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
function workerScript(): URL | undefined {
  const url = new URL("./count-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}
