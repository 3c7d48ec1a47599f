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
  /** The body after the frontmatter, trimmed: what a build renders. */
  text: string;
  /** sha256 of the file's raw bytes. */
  sha256: string;
  /** 1-based line of the file where `text` starts. */
  bodyLine: number;
  /** Line of each frontmatter key and list item by dot-path (`related[1]`), for messages. */
  keyLines?: Record<string, number>;
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

/** A profile with every atom reference looked up. */
export interface ResolvedProfile {
  profile: Profile;
  sections: ResolvedSection[];
}

export type AtomState = "full" | "brief" | "dropped";

export interface PlannedAtom {
  atom: Atom;
  state: AtomState;
  /** What the atom adds to its section: the count of its piece, its text with the joiner on the side where the encoding cuts (0 when dropped). */
  tokens: number;
  required: boolean;
  /** Why it was degraded or dropped; absent when kept in full. */
  reason?: string;
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

/** What a build writes for one profile, and every decision behind it. */
export interface PackPlan {
  profile: Profile;
  sections: PlannedSection[];
  /** The whole output file. */
  text: string;
  tokens: number;
  /** sha256 of `text`. */
  sha256: string;
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
}

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
 * What a write may replace: the bytes a command judged there (by sha256),
 * nothing (`new`: created, never replaced), anything (`own`: llmsgen's own
 * files, such as its cache), or nothing and no write at all if the file
 * exists (`once`).
 */
export type WriteGuard = { sha256: string } | "new" | "own" | "once";

/** One file a command writes. */
export interface FileWrite {
  /** Absolute path. */
  file: string;
  data: string | Uint8Array;
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

/** The kinds of sync-check finding (SPEC §8). */
export const FINDING_KINDS = ["unbacked", "edited", "stale", "conflict", "drift", "missing", "extra", "stray", "malformed"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

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
}

export interface FileCheck {
  file: string;
  profile: string;
  findings: Finding[];
}

export interface SyncReport {
  ok: boolean;
  files: FileCheck[];
}
