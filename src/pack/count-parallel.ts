import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type Encoding, ENCODINGS, type ProgressCallback } from "../model.js";
import { joinSegments, type Segment } from "../render/segments.js";
import type { CountTokens } from "./tokenizer.js";

/** Below this much text, counting on the main thread beats starting workers (each loads its own tokenizer). */
const PARALLEL_THRESHOLD = 4 * 1024 * 1024;
const BATCH_BYTES = 256 * 1024;
/** Counting on one thread reports progress once per this many texts. */
const REPORT_EVERY = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** How long to wait for a batch a worker holds, with none finishing, before counting it on the main thread. */
const STALL_MS = 10_000;
/** Bytes kept of the first failed worker's message. */
const FAILURE_BYTES = 512;

/**
 * The texts of one parallel count, as UTF-8 in shared memory (one copy for
 * every thread), and the shared counters every thread claims batches from.
 */
export interface SharedWork {
  /** UTF-8 bytes of every text, back to back. */
  bytes: SharedArrayBuffer;
  /** Int32 per text + 1: byte offset where text i starts. */
  offsets: SharedArrayBuffer;
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
  /** Int32 [workers that failed, 1 once a failure's message is being written]. */
  failed: SharedArrayBuffer;
  /** UTF-8 of the first failed worker's message, NUL-padded. */
  failure: SharedArrayBuffer;
}

/** What a worker thread is started with: the shared work, and the encoding to count in. */
export type WorkerData = SharedWork & { encoding: Encoding };

const SHARED: readonly (keyof SharedWork)[] = ["bytes", "offsets", "next", "state", "counts", "done", "failed", "failure"];

/** The shape a worker checks its start data against. */
export function isWorkerData(data: unknown): data is WorkerData {
  if (typeof data !== "object" || data === null) return false;
  const starts: unknown = Reflect.get(data, "starts");
  const encoding: unknown = Reflect.get(data, "encoding");
  return (
    SHARED.every((name) => Reflect.get(data, name) instanceof SharedArrayBuffer) &&
    Array.isArray(starts) &&
    starts.every((start) => typeof start === "number") &&
    ENCODINGS.some((name) => name === encoding)
  );
}

export interface CountOptions {
  /** Worker threads; undefined: one per 4 MB of text, at most 3, leaving a core. */
  workers?: number;
  /** Hears how many texts are counted, every so often. */
  progress?: ProgressCallback;
  /** Told when a worker thread failed or stalled: its texts were counted on the main thread instead, to the same counts. */
  warn?: (message: string) => void;
  /** The worker module; default: count-worker.js beside this module (absent when running from TypeScript sources). */
  workerScript?: URL;
}

/**
 * Counts many texts, each given as the segments it is made of, spreading
 * large jobs over worker threads while the main thread counts too.
 * Synchronous, and the same numbers as counting one by one: each count is
 * the count of one whole text, whoever makes it. A worker that fails or
 * stalls costs time, never a count: the main thread counts what it left,
 * and `warn` is told.
 */
export function countMany(items: readonly (readonly Segment[])[], encoding: Encoding, count: CountTokens, options: CountOptions = {}): number[] {
  const { progress } = options;
  let size = 0;
  for (const item of items) for (const segment of item) size += segment.text.length;
  const workers = options.workers ?? workerCount(size);
  const script = options.workerScript ?? workerScript();
  // UTF-8 cannot carry a lone surrogate (a YAML escape can make one): such texts are counted here, as they are.
  const report = (done: number) => progress?.({ stage: "count", done, total: items.length });
  if (workers < 1 || !script || items.some((item) => item.some((segment) => LONE_SURROGATE.test(segment.text)))) {
    return items.map((item, index) => {
      const tokens = count(joinSegments(item));
      if ((index + 1) % REPORT_EVERY === 0 || index + 1 === items.length) report(index + 1);
      return tokens;
    });
  }
  if (items.length === 0) return [];
  const work = shareWork(items);
  const data: WorkerData = { ...work, encoding };
  const threads = Array.from({ length: workers }, () => new Worker(script, { workerData: data }));
  for (const thread of threads) {
    thread.unref();
    // A failing worker records its failure in shared memory (count-worker.ts), read below: this thread is blocked until
    // the count is done, so the error event arrives too late to tell anyone. The listener only keeps it from crashing the process.
    thread.on("error", ignoreFailure);
  }
  const reportBatches = () => report(countedTexts(work));
  claimBatches(work, count, reportBatches);
  const stalled = waitForWorkers(work, workers, count, reportBatches);
  report(items.length);
  for (const thread of threads) void thread.terminate();
  const problem = workerProblem(work, stalled);
  if (problem !== undefined) options.warn?.(problem);
  return Array.from(new Int32Array(work.counts));
}

/** What went wrong with the workers, if anything did: the main thread has counted what they left. */
function workerProblem(work: SharedWork, stalled: boolean): string | undefined {
  const failed = Atomics.load(new Int32Array(work.failed), 0);
  const recount = "the main thread counted their texts instead, so every count is exact";
  if (failed > 0) {
    const message = Buffer.from(work.failure).toString("utf8").replace(/\0+$/, "");
    return `${failed === 1 ? "a token-counting worker thread" : `${failed} token-counting worker threads`} failed (${message || "no message"}): ${recount}`;
  }
  if (stalled) return `a token-counting worker thread finished none of its texts for ${STALL_MS / 1000} s: ${recount}`;
  return undefined;
}

/**
 * A listener made here, not inside countMany: a closure made there would hold
 * countMany's scope, shared memory included, for as long as the worker object
 * lives, and a synchronous build never returns to the event loop that drops it.
 */
function ignoreFailure(): void {}

/** One worker per 4 MB of text, leaving a core to the main thread, at most 3. */
function workerCount(size: number): number {
  return Math.min(availableParallelism() - 1, 3, Math.floor(size / PARALLEL_THRESHOLD));
}

/** Claims open batches until none is left, counting each with `count`. Runs on every thread. */
export function claimBatches(work: SharedWork, count: CountTokens, counted?: () => void): void {
  const next = new Int32Array(work.next);
  const state = new Int32Array(work.state);
  for (;;) {
    const batch = Atomics.add(next, 0, 1);
    if (batch >= work.starts.length - 1) return;
    Atomics.store(state, batch, 1);
    countBatch(work, batch, count);
    Atomics.store(state, batch, 2);
    counted?.();
  }
}

/** Texts in the batches counted so far, by any thread. */
function countedTexts(work: SharedWork): number {
  const state = new Int32Array(work.state);
  let texts = 0;
  for (let batch = 0; batch < work.starts.length - 1; batch++) {
    if (Atomics.load(state, batch) === 2) texts += (work.starts[batch + 1] ?? 0) - (work.starts[batch] ?? 0);
  }
  return texts;
}

function countBatch(work: SharedWork, batch: number, count: CountTokens): void {
  const offsets = new Int32Array(work.offsets);
  const counts = new Int32Array(work.counts);
  // Batch and text bounds lie within starts and offsets (shareWork): the defaults are never used.
  const last = work.starts[batch + 1] ?? 0;
  for (let i = work.starts[batch] ?? last; i < last; i++) {
    const start = offsets[i] ?? 0;
    counts[i] = count(Buffer.from(work.bytes, start, (offsets[i + 1] ?? start) - start).toString("utf8"));
  }
}

/**
 * Blocks until every batch is counted. The main thread has claimed all it
 * could, so what remains are batches workers hold; once every worker is done
 * (a failed one too), or none of them finishes a batch for STALL_MS (a worker
 * died outright), the main thread counts what is left itself. True when it
 * stopped waiting for a stall.
 */
function waitForWorkers(work: SharedWork, workers: number, count: CountTokens, counted: () => void): boolean {
  const done = new Int32Array(work.done);
  const state = new Int32Array(work.state);
  const batches = work.starts.length - 1;
  const finished = () => {
    let total = 0;
    for (let batch = 0; batch < batches; batch++) if (Atomics.load(state, batch) === 2) total++;
    return total;
  };
  let progress = finished();
  let waited = 0;
  while (progress < batches && Atomics.load(done, 0) < workers && waited < STALL_MS) {
    Atomics.wait(done, 0, Atomics.load(done, 0), 50);
    const now = finished();
    waited = now > progress ? 0 : waited + 50;
    if (now > progress) counted();
    progress = now;
  }
  const stalled = progress < batches && waited >= STALL_MS;
  for (let batch = 0; batch < batches; batch++) {
    if (Atomics.load(state, batch) === 2) continue;
    countBatch(work, batch, count);
    Atomics.store(state, batch, 2);
  }
  return stalled;
}

/** Writes every text into one shared UTF-8 buffer, with its offsets and batches of about BATCH_BYTES. */
function shareWork(items: readonly (readonly Segment[])[]): SharedWork {
  let total = 0;
  for (const item of items) for (const segment of item) total += Buffer.byteLength(segment.text);
  const bytes = new SharedArrayBuffer(Math.max(total, 1));
  const view = Buffer.from(bytes);
  const offsetBytes = new SharedArrayBuffer(4 * (items.length + 1));
  const offsets = new Int32Array(offsetBytes);
  const starts = [0];
  let at = 0;
  let batchStart = 0;
  items.forEach((item, index) => {
    offsets[index] = at;
    for (const segment of item) at += view.write(segment.text, at, "utf8");
    if (at - batchStart >= BATCH_BYTES) {
      starts.push(index + 1);
      batchStart = at;
    }
  });
  offsets[items.length] = at;
  if (starts[starts.length - 1] !== items.length) starts.push(items.length);
  return {
    bytes,
    offsets: offsetBytes,
    starts,
    next: new SharedArrayBuffer(4),
    state: new SharedArrayBuffer(4 * starts.length),
    counts: new SharedArrayBuffer(4 * Math.max(items.length, 1)),
    done: new SharedArrayBuffer(4),
    failed: new SharedArrayBuffer(8),
    failure: new SharedArrayBuffer(FAILURE_BYTES),
  };
}

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
function workerScript(): URL | undefined {
  const url = new URL("./count-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}
