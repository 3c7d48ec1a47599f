/**
 * The domain types. Every stage takes and returns these plain values, so the
 * report, `--json`, `--dry-run` and the tests all read the same data.
 */

/** The tiktoken encodings a profile may name. */
export const ENCODINGS = ["o200k_base", "cl100k_base", "p50k_base", "p50k_edit", "r50k_base", "gpt2"] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DEFAULT_ENCODING: Encoding = "o200k_base";

/** Where a command reads and writes; all absolute. */
export interface Layout {
  root: string;
  atomsDir: string;
  profilesDir: string;
  outDir: string;
  /** Where counts and parsed atoms are cached between runs; null when caching is off. */
  cacheDir: string | null;
}

/** One markdown file of the atoms dir, parsed and validated. */
export interface Atom {
  id: string;
  title: string;
  brief: string;
  tag: string;
  priority: number;
  required: boolean;
  related: string[];
  updated?: string;
  /** Path relative to the atoms dir, with `/` separators. */
  path: string;
  /**
   * The body after the frontmatter, trimmed: what a build renders. Undefined
   * for an atom known by its file's hash alone (the stat index vouched for
   * the file, the atom cache for its parse): a stage that needs the text asks
   * a TextSource, which reads the file then.
   */
  text: string | undefined;
  /** sha256 of the file's raw bytes. */
  sha256: string;
  /** 1-based line of the file where `text` starts. */
  bodyLine: number;
  /** Line of each frontmatter key and list item by dot-path (`related[1]`), for messages. */
  keyLines?: Record<string, number>;
  /** Frontmatter keys llmsgen does not read, in file order (other tools' keys included); lint lists them. */
  otherKeys?: string[];
  /** True when the frontmatter names the tag: then no filename convention (`tags_from: filename`) overrides it. */
  ownTag?: boolean;
  /** sha256 of `text` and of `brief`, when the atom cache knows them: counting keys its pieces by them without hashing the text again. */
  keys?: { text: string; brief: string };
}

export interface SectionSpec {
  tag: string;
  intro?: string;
  /** Atom ids or globs, as written. */
  atoms: string[];
  budget?: number;
  required: boolean;
  /** 1-based line of the entry in the profile file. */
  line: number;
}

/** What an index profile (`index:`) lists, and how (the llms.txt convention). */
export interface IndexSpec {
  /** The H1 line. */
  title: string;
  /** The `>` summary line. */
  summary: string;
  /** Prefixed to each output's path to make its link; relative links without it. */
  baseUrl?: string;
  /** The H2 heading the outputs are listed under. */
  heading: string;
  /** Profile names listed under the heading, in this order; default: every other profile, by name. */
  profiles?: string[];
  /** Profile names listed under `## Optional` (secondary reading, agents may skip them). */
  optional: string[];
}

/** A command that checks a profile's fenced code blocks of one language (`llmsgen lint --examples`). */
export interface ExampleChecker {
  /** The first word of a block's info string that selects this checker (`sh` for a ```` ```sh run ```` block). */
  language: string;
  /** The command, split into words; a word `{file}` or `{info}` is filled in for each block. */
  command: string[];
  /** 1-based line of the entry in its file, for messages. */
  line: number;
}

/** One code block to run through one checker. */
export interface ExampleCheck {
  /** The atom file as messages show it. */
  file: string;
  atomId: string;
  /** 1-based line of the block's opening fence in the atom file. */
  line: number;
  language: string;
  /** The block's whole info string (`sh run`). */
  info: string;
  body: string;
  checker: ExampleChecker;
  /** The profile or config file whose `examples:` names the checker, as messages show it. */
  profile: string;
}

/** A wrapper attribute as the wrapper line carries it: `<W name="value">` (the value before escaping, placeholders filled in). */
export interface WrapperAttribute {
  name: string;
  value: string;
}

/** One entry of a composed profile's `parts`: another profile's output, or a hand-maintained file. */
export type PartSpec =
  | { kind: "profile"; /** The profile's name (a file of the profiles dir). */ name: string; line: number }
  | { kind: "file"; /** Path relative to the root, `/` separators. */ file: string; line: number };

/** How tags are found for an `include:` profile: the atom's own (`frontmatter`) or its file name's convention (`filename`). */
export type TagsFrom = "frontmatter" | "filename";

export interface Profile {
  /** The file's base name without extension, or its path relative to the root when it lies elsewhere. */
  name: string;
  /** Absolute path of the profile file. */
  file: string;
  /** Output path relative to the out dir, `/` separators. */
  output: string;
  wrapper?: string;
  encoding: Encoding;
  budget?: number;
  description?: string;
  sections?: SectionSpec[];
  include?: string[];
  /** Set for an index profile: it writes an llms.txt listing the other outputs instead of tagged sections. */
  index?: IndexSpec;
  /** Set for a composed profile: its output is these parts, each exactly its bytes, joined by blank lines. */
  parts?: PartSpec[];
  /** Globs removed from what `include` and section globs match. */
  exclude?: string[];
  /** Where an `include:` profile takes each atom's section from; default `frontmatter`. */
  tagsFrom?: TagsFrom;
  /** Text after the wrapper's opening line, before the first section or part (trimmed). */
  preamble?: string;
  /** Attributes of the wrapper line, in the order written. */
  attributes?: WrapperAttribute[];
  /** False when the file ends right after its last closing tag; default true. */
  finalNewline?: boolean;
  /** Checkers for the fenced code blocks of this profile's atoms, by language (`examples:`). */
  examples?: ExampleChecker[];
  /** Line of every key and list item by dot-path (`output`, `sections[1].atoms[0]`), for messages. */
  lines: Record<string, number>;
}

export interface ResolvedSection {
  tag: string;
  intro?: string;
  budget?: number;
  /** The section's own `required` flag. */
  required: boolean;
  atoms: Atom[];
  line: number;
}

/** A part of a composed profile, looked up: a profile by name, or a hand-maintained file with its bytes. */
export type ResolvedPart =
  | { kind: "profile"; name: string; line: number }
  | {
      kind: "file";
      /** Path relative to the root, `/` separators: how messages and the manifest name it. */
      file: string;
      /** Absolute path. */
      path: string;
      /** The file's text, exactly (UTF-8, LF line ends). */
      text: string;
      sha256: string;
      line: number;
    };

/** A profile with every atom reference looked up. */
export interface ResolvedProfile {
  profile: Profile;
  sections: ResolvedSection[];
  /** A composed profile's parts (its `sections` are empty). */
  parts?: ResolvedPart[];
}

export type AtomState = "full" | "brief" | "dropped";

export interface PlannedAtom {
  atom: Atom;
  state: AtomState;
  /** What the atom adds to its section: the count of its piece, its text with the joiner on the side where the encoding cuts (0 when dropped). */
  tokens: number;
  required: boolean;
  /** Why it was degraded or dropped; absent when kept in full. */
  reason?: PackReason;
}

/**
 * Why a budget walk degraded or dropped an atom: the budget that forced its
 * last step, the atom's priority, and the tokens its steps saved.
 */
export interface PackReason {
  /** `section`: its section's own budget; `file`: the whole output's budget. */
  budget: "section" | "file";
  /** The tag of the section whose budget it was (section budgets only). */
  section?: string;
  /** That budget, in tokens. */
  limit: number;
  priority: number;
  /** Tokens its steps took off the budget's count: the section's for a section budget, the file's for the file's, summed over a brief then a drop. */
  saved: number;
}

export interface PlannedSection {
  tag: string;
  intro?: string;
  budget?: number;
  atoms: PlannedAtom[];
  /** The rendered `<TAG>…</TAG>` block, or null when every atom was dropped. */
  text: string | null;
  /** sha256 of `text` (null with it). */
  sha256: string | null;
  /** Exact tokens of `text` (0 when left out). */
  tokens: number;
}

/** A part of a composed output as built: its text is exactly the bytes inserted. */
export type PlannedPart =
  | {
      kind: "profile";
      /** The part profile's own plan: its text is what it writes to its own output. */
      plan: PackPlan;
      /** Exact tokens of the part's text alone, in the composed output's encoding. */
      tokens: number;
    }
  | {
      kind: "file";
      /** Path relative to the root, `/` separators. */
      file: string;
      /** Absolute path. */
      path: string;
      text: string;
      sha256: string;
      tokens: number;
    };

/** The text a part inserts. */
export function partText(part: PlannedPart): string {
  return part.kind === "profile" ? part.plan.text : part.text;
}

/** A part as findings name it: `{profile: NAME}` or `{file: PATH}`, as in the profile. */
export type PartRef = { profile: string } | { file: string };

/** What a build writes for one profile, and every decision behind it. */
export interface PackPlan {
  profile: Profile;
  sections: PlannedSection[];
  /** A composed output's parts, in order (its `sections` are empty). */
  parts?: PlannedPart[];
  /** The whole output file. */
  text: string;
  tokens: number;
  /** sha256 of `text`. */
  sha256: string;
}

/**
 * A plan restored from the cache: every decision, count and hash of the
 * PackPlan it stands for, but no text (a TextSource renders it, for whoever
 * needs it): a warm build whose outputs are unchanged renders nothing.
 */
export interface RestoredPlan extends Omit<PackPlan, "text" | "sections"> {
  text?: undefined;
  sections: RestoredSection[];
}

/** A planned section without its text; `sha256` is null when it is left out. */
export interface RestoredSection extends Omit<PlannedSection, "text"> {
  text?: undefined;
}

/** The plan behind an output as a build holds it: packed, or restored and not rendered. */
export type OutputPlan = PackPlan | RestoredPlan;

/** Gives an atom's text: a stage that needs atoms' texts takes one of these (TextSource.atom, or load/read-atom-text.ts). */
export type AtomTextOf = (atom: Atom) => string;

/**
 * Makes the texts a run defers: an atom known by its file's hash alone is
 * read, a plan restored from the cache is rendered. Asking is what costs (a
 * file read, a render), so every stage that needs a text asks for it here;
 * each is made at most once a run.
 */
export interface TextSource {
  /** The atom's text: the one it was loaded with, or its file's, read now (the file must not have changed since it was stat'ed). */
  atom: AtomTextOf;
  /** The plan itself when it has its text, or the plan a restored one stands for, rendered from its decisions. */
  plan(plan: OutputPlan): PackPlan;
}

export interface ManifestAtom {
  id: string;
  path: string;
  sha256: string;
  state: AtomState;
}

export interface ManifestSection {
  tag: string;
  /** sha256 of the rendered section text; null when the section was left out. */
  sha256: string | null;
  tokens: number;
  atoms: ManifestAtom[];
}

export interface ManifestOutput {
  profile: string;
  encoding: Encoding;
  tokens: number;
  sha256: string;
  sections: ManifestSection[];
  /** A composed output's parts as built into it, in order. */
  parts?: ManifestPart[];
}

/** A hand-maintained file as built into a composed output: its path from the root and the hash of the bytes inserted. */
export interface ManifestFilePart {
  file: string;
  sha256: string;
  tokens: number;
}

/** A profile's output as built into a composed output: that profile's own record, and its output path. */
export interface ManifestProfilePart extends ManifestOutput {
  output: string;
}

export type ManifestPart = ManifestFilePart | ManifestProfilePart;

/** `out/llmsgen.lock.json`: what the last build wrote, keyed by output path. */
export interface Manifest {
  version: 1;
  outputs: Record<string, ManifestOutput>;
  /**
   * Present only while a build renames outputs (and after one was killed
   * doing so): the entries of the outputs being written. An output whose
   * bytes on disk are its pending entry's was written; the others were not.
   */
  pending?: Record<string, ManifestOutput>;
}

/**
 * A project as a command reads it: atoms, the chosen profiles resolved
 * against them, the manifest. Plain data; the caches that sped up reading it
 * are the command's, apart from it (cache/open-caches.ts).
 */
export interface Project {
  layout: Layout;
  atoms: Atom[];
  profiles: ResolvedProfile[];
  /** True when every profile of the profiles dir is loaded. */
  allProfiles: boolean;
  /** Profiles an index lists or a composed profile includes that were not chosen: planned for their counts and texts, never written. */
  support: ResolvedProfile[];
  manifest: Manifest | undefined;
}

/**
 * What a write may replace: the bytes a command judged there (by sha256),
 * nothing (`new`: created, never replaced), anything (`own`: llmsgen's own
 * files, such as its cache), or nothing and no write at all if the file
 * exists (`once`).
 */
export type WriteGuard = { sha256: string } | "new" | "own" | "once";

/** One file a command writes. */
/**
 * Called before each step of a commit that touches the disk, with the file's
 * absolute path: a fault injected here (a thrown file-system error) fails the
 * command as a full disk or a refused rename would, so tests can show what
 * such a failure leaves.
 */
export type WriteFault = (step: "temp" | "rename", file: string) => void;

export interface FileWrite {
  /** Absolute path. */
  file: string;
  /** The bytes, or what makes them as the file is written (a cache's text, never all held at once): write/ calls it once, then drops the result. */
  data: string | Uint8Array | (() => string | Uint8Array);
  guard: WriteGuard;
}

/** One problem with the input, located in a file. */
export interface Issue {
  /** Path relative to the root, `/` separators (or the flag at fault, like `--profile x`). */
  file: string;
  line?: number;
  message: string;
  /** A problem with where the command looks (a missing dir, an unknown --profile), not with a file's content. */
  setup?: boolean;
}

/** The kinds of sync-check finding. */
export const FINDING_KINDS = ["unbacked", "edited", "stale", "conflict", "drift", "moved", "missing", "extra", "stray", "malformed"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Findings a rebuild may overwrite: the file only lags behind its atoms and profile. */
export const REBUILDABLE_KINDS: readonly FindingKind[] = ["stale", "missing"];

/** One difference between a generated file and what a build would write now. */
export interface Finding {
  kind: FindingKind;
  tag?: string;
  /** Path relative to the root, `/` separators. */
  file: string;
  /** 1-based: where the section opens; for `missing`, where it would go; for `stray`, the first differing line. */
  line: number;
  message: string;
  /** Unified diff from what a build would write (`---`) to the file (`+++`). */
  diff?: string;
  /** In a composed output: the part the difference lies in (none for the wrapper, preamble and the text between parts). */
  part?: PartRef;
}

/** How far a long build has come, for a progress display. */
export interface Progress {
  /** `count`: counting tokens of texts not in the cache; `pack`: fitting profiles into their budgets. */
  stage: "count" | "pack";
  done: number;
  total: number;
}

export type ProgressCallback = (progress: Progress) => void;

export interface FileCheck {
  file: string;
  profile: string;
  findings: Finding[];
}

export interface SyncReport {
  ok: boolean;
  files: FileCheck[];
}

// ---- the parse of a generated file (render/parse-output.ts), read by sync/ ----

/** A well-formed `<TAG>` … `</TAG>` block at the top level of a generated file. */
export interface ParsedSection {
  tag: string;
  /** 1-based lines of the opening and closing tag lines. */
  open: number;
  close: number;
  /** The block exactly as written: from `<TAG>` to `</TAG>`, joined with "\n". */
  text: string;
}

/**
 * The lines between two neighbouring items (wrapper lines and blocks), or
 * before the first, or after the last. Empty gaps beside a broken block are
 * left out: they can hold no finding.
 */
export interface Gap {
  /** 1-based line of the gap's first line (where it would start, when empty). */
  start: number;
  lines: string[];
  position: "first" | "middle" | "last" | "only";
  /** True when a block next to it is broken: its blank lines are not judged then, only its text. */
  besideBroken: boolean;
}

export interface StructureProblem {
  line: number;
  tag?: string;
  message: string;
}

/** The wrapper's lines as found: its opening line, and its closing line unless that is missing. */
export interface WrapperLines {
  tag: string;
  open: number;
  close?: number;
}

export interface ParsedOutput {
  /** The wrapper found, if one was looked for and found. */
  wrapper?: WrapperLines;
  /** Sound sections in file order (broken and duplicated tags left out). */
  sections: ParsedSection[];
  gaps: Gap[];
  /** Sorted by line; at most render/parse-output.ts MAX_PROBLEMS of them. */
  malformed: StructureProblem[];
  /** Problems past that limit: how many, and the first line among them. */
  unlisted?: { count: number; firstLine: number };
  /** Tags of blocks too broken to compare (their text is not judged further). */
  brokenTags: ReadonlySet<string>;
  finalNewline: boolean;
  /** Lines of the text, not counting the empty one after a final newline. */
  lineCount: number;
}

// ---- what sync/ checks and adopts ------------------------------------------

/** One generated output, with everything the check and adoption need to judge it: what a build writes, and what the file holds. */
export interface OutputToCheck extends OutputFacts {
  same?: undefined;
  /** What a build would write now. */
  expected: string;
  /** What is on disk, or null when the file does not exist. */
  actual: string | null;
  sections: readonly PlannedSection[];
}

/** An output whose file's bytes hash to what a build writes: nothing to check, so neither text is made. */
export interface SameOutput extends OutputFacts {
  same: true;
}

/** An output as the check met it: compared, or known by its hash to be the same. */
export type JudgedOutput = OutputToCheck | SameOutput;

/** What an output to check is, apart from its texts. */
export interface OutputFacts {
  /** The file as findings name it (relative to the root, `/` separators). */
  file: string;
  profile: Profile;
  /** The last build's record of this output, if any. */
  previous: ManifestOutput | undefined;
  /** Tags some atom of the project carries: a tag in the file that neither they nor the profile produce is unbacked. */
  atomTags: ReadonlySet<string>;
  /** The planned sections behind the output, in profile order (adoption maps edits back through them). */
  sections: readonly (PlannedSection | RestoredSection)[];
  /** A composed output's planned parts. */
  parts?: readonly PlannedPart[];
}

/** An output with its findings and the parse they came from (BOM dropped, CRLF read as LF). */
export interface CheckedOutput<Output extends JudgedOutput = JudgedOutput> {
  /** What was checked: an output compared with its file, or one known by its hash to be the same (no findings then). */
  output: Output;
  findings: Finding[];
  /** null for a missing file, a file that matches the build, an index (checked as a whole) and a composed output. */
  parsed: ParsedOutput | null;
  /** A composed output's parts as found in the file: each with the text that stands in its place. */
  parts?: CheckedPart[];
}

/** A check of an output compared with its file: the only kind that can have findings. */
export type ComparedCheck = CheckedOutput<OutputToCheck>;

/** True when the output was compared with its file (not known by its hash to be the same). */
export function wasCompared(checked: CheckedOutput): checked is ComparedCheck {
  return checked.output.same !== true;
}

/** One part of a composed output as the file holds it. */
export interface CheckedPart {
  part: PlannedPart;
  /** The text that stands in the part's place in the file (LF line ends). */
  actual: string;
  /** 1-based line of the composed file where the part starts. */
  line: number;
  /** A profile part that differs: its own check, findings at the composed file's lines. */
  check?: ComparedCheck;
}

// ---- adoption (sync/plan-adoption.ts) ----------------------------------------

/** A file adoption writes: a new atom, or a changed atom or profile. */
export interface AdoptionWrite {
  /** Absolute path. */
  file: string;
  shown: string;
  /** Current text; null for a file to create. */
  before: string | null;
  after: string;
  /** What and why, for the report. */
  note: string;
}

/** A finding adoption cannot carry, and why. */
export interface AdoptionSkip {
  file: string;
  /** 0 when the skip is about a flag, not a place in a file. */
  line: number;
  tag?: string;
  kind: FindingKind;
  reason: string;
  diff?: string;
}

/** Everything adoption would do, decided before anything is written. */
export interface AdoptionPlan {
  /** Every file adoption writes, with its bytes before and after. */
  writes: AdoptionWrite[];
  /** Findings it cannot carry; when any, adopt writes nothing. */
  skipped: AdoptionSkip[];
  /** Outputs whose hand edits are carried. */
  adoptedFrom: string[];
  /** Other outputs that change on the next build because of the writes. */
  alsoChanges: string[];
  /**
   * Adopted outputs whose every hand edit is carried, but which a build
   * cannot write back byte for byte: sections stood outside the wrapper,
   * and the grammar puts them inside it. Adopt records their bytes as the
   * last build's, so the next build rebuilds them instead of refusing.
   */
  carried: ComparedCheck[];
}
