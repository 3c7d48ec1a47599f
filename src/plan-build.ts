import path from "node:path";
import type { StatIndex } from "./cache/stat-index.js";
import { sha256 } from "./hash.js";
import { displayPath, slashRelative } from "./load/layout.js";
import { type CurrentFile, readCurrent } from "./load/read-current.js";
import { manifestPath } from "./load/load-manifest.js";
import { naturalCompare } from "./load/natural-compare.js";
import type { Caches } from "./cache/open-caches.js";
import type { AtomTextOf, Encoding, FileWrite, IndexSpec, OutputPlan, PackPlan, Profile, ProgressCallback, Project, ResolvedProfile, TextSource } from "./model.js";
import { type Piece, toPiece } from "./pack/compose.js";
import type { CountAhead } from "./pack/count-ahead.js";
import { countMany } from "./pack/count-parallel.js";
import { packComposed } from "./pack/pack-composed.js";
import { initialPieces, type PackResume, packTraced } from "./pack/pack-profile.js";
import { planKey, planShape, restorePlan, resumeFrom, summarizePlan } from "./pack/plan-cache.js";
import { PieceCounter } from "./pack/piece-counter.js";
import type { CountTokens } from "./pack/tokenizer.js";
import { renderIndex } from "./render/render-index.js";
import { literal } from "./render/segments.js";
import { reportPlan, type ProfileReport } from "./pack/plan-report.js";
import { withTokenizers } from "./pack/tokenizer.js";
import { textSource } from "./text-source.js";
import { manifestJson, nextManifest, pendingManifest } from "./write/manifest-json.js";

/** One file a build writes, with what is on disk now: an output, or the manifest. */
export type PlannedFile = PlannedOutput | PlannedManifest;

interface FileFacts {
  /** Absolute path. */
  file: string;
  /** Path relative to the root, for messages. */
  shown: string;
  /** What is on disk now, or null when the file does not exist. */
  current: CurrentFile | null;
  /** sha256 of the bytes the build writes. */
  sha256: string;
}

/** An output: its bytes are its plan's text, which the build plan's `texts` makes when the plan was restored without it. */
export interface PlannedOutput extends FileFacts {
  plan: OutputPlan;
}

/** The manifest, whose bytes are always made. */
export interface PlannedManifest extends FileFacts {
  plan?: undefined;
  text: string;
}

export interface BuildPlan {
  plans: OutputPlan[];
  reports: ProfileReport[];
  /** Every output, then the manifest last. */
  files: PlannedFile[];
  /** Where the texts the plan deferred come from: restored plans are rendered, atoms known by hash read, only when asked. */
  texts: TextSource;
}

export interface PlanOptions {
  /** Worker threads for bulk counting; undefined: one per 4 MB of text, at most 3, leaving a core. */
  workers?: number;
  /** Told how far counting and packing have come. */
  progress?: ProgressCallback;
  /** Where deferred texts come from; default: the project's files, located through `caches` (text-source.ts). */
  texts?: TextSource;
  /** Told when a counting worker thread failed (its texts were counted on the main thread instead). */
  warn?: (message: string) => void;
  /** Counts begun while the atoms loaded (pack/count-ahead.ts), settled before the rest are counted. */
  countAhead?: CountAhead;
}

/**
 * Packs and renders every profile of the project and lays out the files a
 * build would write. Reads, never writes: plans packed and tokens counted go
 * into `caches`, which the caller may save.
 */
export function planBuild(project: Project, caches: Caches, options: PlanOptions = {}): BuildPlan {
  const { layout, manifest } = project;
  const texts = options.texts ?? textSource(layout, caches);
  const plans = withTokenizers((tokenizers) => {
    const counters = new Map<Encoding, PieceCounter>();
    const counter = (encoding: Encoding) => {
      let pieces = counters.get(encoding);
      if (!pieces) {
        pieces = new PieceCounter(encoding, tokenizers.counter(encoding), caches.tokens(encoding));
        counters.set(encoding, pieces);
      }
      return pieces;
    };
    const everything = [...project.profiles, ...project.support];
    const packable = everything.filter((resolved) => !resolved.profile.index && !resolved.profile.parts);
    const packed = new Map<ResolvedProfile, OutputPlan>();
    const keys = new Map(packable.map((resolved) => [resolved, planKey(resolved)]));
    for (const [resolved, key] of keys) {
      const cached = caches.plans.get(key);
      const restored = cached && restorePlan(resolved, cached);
      if (restored) packed.set(resolved, restored);
    }
    const toPack = packable.filter((resolved) => !packed.has(resolved));
    // A profile packed before with other bytes in some atoms resumes from that plan: only what the change touches is walked and counted again.
    const shapes = new Map(toPack.map((resolved) => [resolved, planShape(resolved)]));
    const resumes = new Map<ResolvedProfile, PackResume>();
    for (const [resolved, shape] of shapes) {
      const earlier = caches.plans.find((plan) => plan.shape === shape);
      const resume = earlier && resumeFrom(resolved, earlier, shape);
      if (resume) resumes.set(resolved, resume);
    }
    // Counts begun while the atoms loaded are settled first (the batches not yet counted are counted here, the rest waited for).
    let early: ReadonlyMap<Encoding, ReadonlyMap<string, number>> | undefined;
    countUpFront(toPack.filter((resolved) => !resumes.has(resolved)), texts.atom, (encoding, pieces) => {
      early ??= options.countAhead?.settle((known) => tokenizers.counter(known)) ?? new Map();
      counter(encoding).prefetch(pieces, (items) => countMany(items, encoding, tokenizers.counter(encoding), options), early.get(encoding));
    });
    toPack.forEach((resolved, index) => {
      const { plan, trace } = packTraced(resolved, counter(resolved.profile.encoding), displayPath(layout, resolved.profile.file), resumes.get(resolved), texts.atom);
      const key = keys.get(resolved);
      if (key !== undefined) caches.plans.set(key, summarizePlan(plan, shapes.get(resolved) ?? "", trace));
      packed.set(resolved, plan);
      options.progress?.({ stage: "pack", done: index + 1, total: toPack.length });
    });
    // A composed output inserts its parts' texts: restored parts are rendered here.
    planComposed(everything, packed, (resolved, byName) =>
      packComposed(resolved, partPlans(resolved, byName, texts), counter(resolved.profile.encoding), displayPath(layout, resolved.profile.file)),
    );
    const listed = [...packed.values()];
    return project.profiles.map((resolved) => {
      const { profile } = resolved;
      // The index's count goes through the token store too: a warm build with nothing changed loads no tokenizer.
      if (profile.index) return planIndex(profile, profile.index, listed, (text) => counter(profile.encoding).piece(toPiece([literal(text)])));
      const plan = packed.get(resolved);
      if (!plan) throw new Error(`profile ${profile.name} was neither packed nor restored`);
      return plan;
    });
  });
  const files = plans.map((plan): PlannedOutput => ({ ...fileFacts(path.join(layout.outDir, plan.profile.output), layout.root, plan.sha256, caches.files), plan }));
  const showOutput = (relative: string) => slashRelative(layout.root, path.join(layout.outDir, relative));
  const reports = files.map((file) => reportPlan(file.plan, file.shown, manifest?.outputs[file.plan.profile.output], showOutput));
  const lock = manifestJson(nextManifest(manifest, plans, project.allProfiles));
  const manifestFile: PlannedManifest = { ...fileFacts(manifestPath(layout), layout.root, sha256(lock)), text: lock };
  return { plans, reports, files: [...files, manifestFile], texts };
}

/** The plans of a composed profile's profile parts, by name, each with its text. */
function partPlans(resolved: ResolvedProfile, byName: ReadonlyMap<string, OutputPlan>, texts: TextSource): Map<string, PackPlan> {
  const parts = new Map<string, PackPlan>();
  for (const part of resolved.parts ?? []) {
    const plan = part.kind === "profile" ? byName.get(part.name) : undefined;
    if (plan && part.kind === "profile") parts.set(part.name, texts.plan(plan));
  }
  return parts;
}

/**
 * Counts what the plans of `profiles` will need up front, in bulk per
 * encoding (in parallel for large corpora), so the walks hit memory. The
 * pieces listed are dropped before packing starts, which renders the outputs:
 * at 50,000 atoms they take about 110 MB of heap.
 */
function countUpFront(profiles: readonly ResolvedProfile[], textOf: AtomTextOf, count: (encoding: Encoding, pieces: readonly Piece[]) => void): void {
  const ahead = new Map<Encoding, Piece[]>();
  for (const resolved of profiles) {
    const encoding = resolved.profile.encoding;
    let list = ahead.get(encoding);
    if (!list) {
      list = [];
      ahead.set(encoding, list);
    }
    for (const piece of initialPieces(resolved, encoding, textOf)) list.push(piece);
  }
  for (const [encoding, pieces] of ahead) count(encoding, pieces);
}

/**
 * Plans every composed profile once its parts are planned (the load refused
 * cycles), so a part shared by several composed outputs is planned once.
 */
function planComposed(
  profiles: readonly ResolvedProfile[],
  packed: Map<ResolvedProfile, OutputPlan>,
  pack: (resolved: ResolvedProfile, byName: ReadonlyMap<string, OutputPlan>) => PackPlan,
): void {
  let waiting = profiles.filter((resolved) => resolved.profile.parts);
  const byName = new Map([...packed.values()].map((plan) => [plan.profile.name, plan]));
  while (waiting.length > 0) {
    const ready = waiting.filter((resolved) => (resolved.parts ?? []).every((part) => part.kind === "file" || byName.has(part.name)));
    if (ready.length === 0) throw new Error(`parts of ${waiting.map((resolved) => resolved.profile.name).join(", ")} were never planned`);
    for (const resolved of ready) {
      const plan = pack(resolved, byName);
      packed.set(resolved, plan);
      byName.set(plan.profile.name, plan);
    }
    waiting = waiting.filter((resolved) => !packed.has(resolved));
  }
}

/** Renders an index profile: every other output with its description and exact token count. */
function planIndex(profile: Profile, spec: IndexSpec, plans: readonly OutputPlan[], count: CountTokens): PackPlan {
  const byName = new Map(plans.map((plan) => [plan.profile.name, plan]));
  const entry = (plan: OutputPlan) => ({ output: plan.profile.output, description: plan.profile.description ?? plan.profile.name, tokens: plan.tokens });
  const listed = (names: readonly string[]) => names.flatMap((name) => byName.get(name) ?? []);
  const optional = new Set(spec.optional);
  const main = spec.profiles
    ? listed(spec.profiles)
    : [...byName.values()].filter((plan) => !optional.has(plan.profile.name)).sort((a, b) => naturalCompare(a.profile.name, b.profile.name));
  const rendered = renderIndex(spec, main.map(entry), listed(spec.optional).map(entry));
  const text = profile.finalNewline === false ? rendered.replace(/\n$/, "") : rendered;
  return { profile, sections: [], text, tokens: count(text), sha256: sha256(text) };
}

/** A file the build would write, with what is on disk there now. */
function fileFacts(file: string, root: string, hash: string, files?: StatIndex): FileFacts {
  const shown = slashRelative(root, file);
  return { file, shown, sha256: hash, current: readCurrent(file, shown, files) };
}

/** The bytes a build writes to a planned file: the manifest's, or an output's plan's text (rendered now if it was restored without). */
export function fileText(file: PlannedFile, texts: TextSource): string {
  return file.plan ? texts.plan(file.plan).text : file.text;
}

/** Files whose bytes would change. */
export function changedFiles(files: readonly PlannedFile[]): PlannedFile[] {
  return files.filter((file) => file.current?.sha256 !== file.sha256);
}

/**
 * What a build writes of `changed`, in order. When outputs change with the
 * manifest, the manifest first records their coming entries as pending
 * (write/manifest-json.ts), so that a run killed among the renames leaves a
 * manifest the next run settles right; then each output; then the final
 * manifest. Each write may replace only the bytes the build judged there.
 */
export function buildWrites(project: Project, changed: readonly PlannedFile[], texts: TextSource): FileWrite[] {
  const guard = (file: PlannedFile) => (file.current ? { sha256: file.current.sha256 } : "new" as const);
  const outputs = changed.flatMap((file) => (file.plan ? [{ file: file.file, data: texts.plan(file.plan).text, guard: guard(file), plan: file.plan }] : []));
  const manifest = changed.find((file): file is PlannedManifest => !file.plan);
  const finalWrites = outputs.map(({ plan: _plan, ...write }) => write);
  if (!manifest) return finalWrites;
  if (outputs.length === 0) return [{ file: manifest.file, data: manifest.text, guard: guard(manifest) }];
  const pending = manifestJson(pendingManifest(project.manifest, outputs.map((output) => output.plan)));
  return [
    { file: manifest.file, data: pending, guard: guard(manifest) },
    ...finalWrites,
    { file: manifest.file, data: manifest.text, guard: { sha256: sha256(pending) } },
  ];
}
