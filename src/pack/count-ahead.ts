import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Atom, Encoding, Profile } from "../model.js";
import { likelyPieces } from "./packing.js";
import { pieceKey } from "./compose.js";
import { joinSegments } from "../render/segments.js";
import type { CountTokens } from "./tokenizer.js";

/** Below this much atom text, counting ahead is not started (a worker loads its own tokenizer): the same threshold as parallel counting. */
const AHEAD_THRESHOLD = 4 * 1024 * 1024;
const BATCH_CHARS = 256 * 1024;
/** Room in shared memory: batches and texts past these are left to the count after loading. */
const MAX_BATCHES = 16_384;
const MAX_TEXTS = 1 << 20;
/** How long to wait for a batch the worker holds, with none finishing, before counting it on the main thread. */
const STALL_MS = 10_000;

/** Memory shared with the worker: per batch 0 open, 1 claimed, 2 done, 3 failed; per text its count. */
export interface AheadMemory {
  state: SharedArrayBuffer;
  counts: SharedArrayBuffer;
}

/** One batch posted to the worker: its texts' counts go to counts[first…]. */
export interface AheadJob {
  batch: number;
  first: number;
  encoding: Encoding;
  texts: string[];
}

/** An encoding packing counts in, and whether it counts briefs (a profile in it has budgets). */
interface Counted {
  encoding: Encoding;
  briefs: boolean;
}

interface Batch extends AheadJob {
  keys: string[];
}

/**
 * Counts atoms while they are still being parsed. Each atom parsed from its
 * file is handed to `offer`; once the atoms offered hold enough text (or
 * workers are forced), a worker thread starts and counts each atom's likely
 * piece (packing.ts `likelyPiece`) in every encoding the chosen profiles use,
 * batch by batch, while the main thread goes on parsing. `settle` then counts
 * on the main thread every batch the worker has not claimed yet, waits for
 * the others, and returns the counts by piece key. Counting a piece is
 * exact whoever counts it, so what is counted ahead and not needed is simply
 * unused, and what is needed and not counted ahead is counted as before.
 */
export class CountAhead {
  private readonly held: { atom: Atom & { text: string }; encodings: readonly Counted[] }[] = [];
  private heldChars = 0;
  private readonly batches: Batch[] = [];
  private readonly open = new Map<Encoding, { keys: string[]; texts: string[]; chars: number }>();
  private texts = 0;
  private memory: AheadMemory | undefined;
  private worker: Worker | undefined;
  private settled: Map<Encoding, Map<string, number>> | undefined;
  private readonly encodingsOf = new WeakMap<readonly Profile[], Counted[]>();

  constructor(
    private readonly options: {
      /** Forced worker threads (LLMSGEN_WORKERS): 0 never counts ahead, more counts ahead from the first atom. */
      workers?: number;
      /** True when a piece's count is known already (the token cache): it is not counted again. */
      known?: (encoding: Encoding, key: string) => boolean;
    } = {},
  ) {}

  /** An atom just parsed from its file, with the chosen profiles (whose encodings it is counted in). */
  offer(atom: Atom & { text: string }, profiles: readonly Profile[]): void {
    if (this.options.workers === 0 || this.settled || this.texts >= MAX_TEXTS) return;
    const encodings = this.encodings(profiles);
    if (encodings.length === 0) return;
    if (this.memory) {
      this.add(atom, encodings);
      return;
    }
    this.held.push({ atom, encodings });
    this.heldChars += atom.text.length;
    if (this.options.workers !== undefined || (this.heldChars >= AHEAD_THRESHOLD && availableParallelism() > 1)) this.start();
  }

  /**
   * Every piece counted ahead, by encoding and piece key: batches nobody
   * claimed are counted here, with `counter`; batches the worker holds are
   * waited for (counted here too if it fails or stalls). Stops the worker.
   */
  settle(counter: (encoding: Encoding) => CountTokens): ReadonlyMap<Encoding, ReadonlyMap<string, number>> {
    if (this.settled) return this.settled;
    for (const encoding of [...this.open.keys()]) this.post(encoding);
    const result = new Map<Encoding, Map<string, number>>();
    this.settled = result;
    const memory = this.memory;
    if (!memory) return result;
    const state = new Int32Array(memory.state);
    const counts = new Int32Array(memory.counts);
    const countHere = (batch: Batch) => {
      const count = counter(batch.encoding);
      batch.texts.forEach((text, index) => {
        counts[batch.first + index] = count(text);
      });
      Atomics.store(state, batch.batch, 2);
    };
    // From the last batch back: the worker takes them from the first, so the two meet once.
    for (let at = this.batches.length - 1; at >= 0; at--) {
      const batch = this.batches[at];
      if (batch && Atomics.compareExchange(state, batch.batch, 0, 1) === 0) countHere(batch);
    }
    let waited = 0;
    for (const batch of this.batches) {
      while (Atomics.load(state, batch.batch) === 1 && waited < STALL_MS) {
        waited = Atomics.wait(state, batch.batch, 1, 50) === "timed-out" ? waited + 50 : 0;
      }
      if (Atomics.load(state, batch.batch) !== 2) countHere(batch);
    }
    for (const batch of this.batches) {
      let byKey = result.get(batch.encoding);
      if (!byKey) {
        byKey = new Map();
        result.set(batch.encoding, byKey);
      }
      for (let index = 0; index < batch.keys.length; index++) byKey.set(batch.keys[index] ?? "", counts[batch.first + index] ?? 0);
    }
    // The batches hold a copy of every text counted (about the corpus's size): let go now, not when the build ends.
    this.batches.length = 0;
    this.stop();
    return result;
  }

  /** Stops the worker, counted or not (a run that failed, or needed no count). */
  stop(): void {
    this.settled ??= new Map();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  /** The encodings packing counts in, each with whether a profile packs under budgets in it (and so counts briefs). */
  private encodings(profiles: readonly Profile[]): Counted[] {
    let encodings = this.encodingsOf.get(profiles);
    if (!encodings) {
      const briefs = new Map<Encoding, boolean>();
      for (const profile of profiles) {
        if (profile.index || profile.parts) continue;
        const budgets = profile.budget !== undefined || (profile.sections ?? []).some((section) => section.budget !== undefined);
        briefs.set(profile.encoding, (briefs.get(profile.encoding) ?? false) || budgets);
      }
      encodings = [...briefs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([encoding, withBriefs]) => ({ encoding, briefs: withBriefs }));
      this.encodingsOf.set(profiles, encodings);
    }
    return encodings;
  }

  private start(): void {
    const script = workerScript();
    if (!script) {
      this.stop();
      return;
    }
    this.memory = { state: new SharedArrayBuffer(4 * MAX_BATCHES), counts: new SharedArrayBuffer(4 * MAX_TEXTS) };
    this.worker = new Worker(script, { workerData: this.memory });
    this.worker.unref();
    // A worker that fails leaves its batches claimed or open; settle counts them on the main thread.
    this.worker.on("error", ignoreFailure);
    for (const { atom, encodings } of this.held.splice(0)) this.add(atom, encodings);
  }

  private add(atom: Atom & { text: string }, encodings: readonly Counted[]): void {
    for (const { encoding, briefs } of encodings) {
      let open = this.open.get(encoding);
      if (!open) {
        open = { keys: [], texts: [], chars: 0 };
        this.open.set(encoding, open);
      }
      for (const piece of likelyPieces(atom, encoding, briefs, () => atom.text)) {
        const key = pieceKey(piece);
        if (this.options.known?.(encoding, key)) continue;
        const text = joinSegments(piece.segments);
        open.keys.push(key);
        open.texts.push(text);
        open.chars += text.length;
      }
      if (open.chars >= BATCH_CHARS) this.post(encoding);
    }
  }

  private post(encoding: Encoding): void {
    const open = this.open.get(encoding);
    this.open.delete(encoding);
    if (!open || open.texts.length === 0 || this.batches.length >= MAX_BATCHES || this.texts + open.texts.length > MAX_TEXTS) return;
    const batch: Batch = { batch: this.batches.length, first: this.texts, encoding, texts: open.texts, keys: open.keys };
    this.batches.push(batch);
    this.texts += open.texts.length;
    const job: AheadJob = { batch: batch.batch, first: batch.first, encoding, texts: batch.texts };
    this.worker?.postMessage(job);
  }
}

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
function workerScript(): URL | undefined {
  const url = new URL("./count-ahead-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * The worker's `error` listener, made here: an arrow function made in a
 * method would hold the CountAhead, and so what it holds, for as long as the
 * worker object lives.
 */
function ignoreFailure(): void {}
