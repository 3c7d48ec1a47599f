import path from "node:path";
import { globToRegExp, isGlob } from "../load/glob.js";
import { naturalCompare } from "../load/natural-compare.js";
import { type AdoptionPlan, type AdoptionSkip, type AdoptionWrite, type Atom, type CheckedOutput, type Finding, wasCompared } from "../model.js";
import { atomFile, readBackProblem } from "./adoptable-text.js";
import { adoptEdited } from "./adopt-edited.js";
import { adoptMoved } from "./adopt-moved.js";
import { adoptUnbacked } from "./adopt-unbacked.js";
import { expandComposed, type FilePartText } from "./adopt-composed.js";
import { skipOf, type AtomFiles, type AtomText, type FindingAt, type IntroEdit, type NewAtom, type SectionInsert, type SectionOrder } from "./adoption-types.js";
import { insertSection, reorderSections, replaceIntro, sectionTagsOf } from "./edit-profile.js";
import { replaceAtomBody } from "./replace-atom-body.js";
import { unifiedDiff } from "./unified-diff.js";

export interface AdoptionInput extends AtomFiles {
  /** Every output, checked: the findings to adopt, and the parse each came from. */
  checks: readonly CheckedOutput[];
  atoms: readonly Atom[];
  /** Drift sections to adopt too (`--section TAG`). */
  sections: ReadonlySet<string>;
  /** The current text of an atom or profile file. */
  read: (file: string) => string;
  exists: (file: string) => boolean;
  /** An absolute path as messages show it. */
  show: (file: string) => string;
}

/**
 * Plans bringing hand-written text back into atoms and profiles in
 * small pure steps: sort the findings, then unbacked → new atoms, edited →
 * atom bodies and intros, moved → profile order, then merge everything into
 * one list of writes. Stale and missing findings need nothing (a build brings
 * them up to date); every other finding is carried or becomes a skip.
 */
export function planAdoption(input: AdoptionInput): AdoptionPlan {
  const composed = expandComposed(input.checks);
  const sorted = sortFindings(composed.checks, input);
  const unbacked = adoptUnbacked(sorted.unbacked, input);
  const edited = adoptEdited(sorted.edited, input);
  const moved = adoptMoved(sorted.moved, (relative) => input.show(path.join(input.atomsDir, relative)));
  const merged = mergeWrites(input, { atoms: unbacked.atoms, texts: edited.texts, intros: edited.intros, orders: moved.orders, inserts: unbacked.inserts, fileParts: composed.fileParts });
  const skipped = [...sorted.skipped, ...composed.skipped, ...unbacked.skipped, ...edited.skipped, ...moved.skipped, ...merged.skipped];
  const adoptedFrom = [...new Set([...[...sorted.unbacked, ...sorted.edited, ...sorted.moved].map((item) => item.checked.output.file), ...composed.fileParts.map((part) => part.from.file)])];
  const changedAtoms = new Set(merged.writes.filter((write) => write.before !== null).map((write) => write.file));
  const adopted = new Set(adoptedFrom);
  const carried = skipped.length > 0 ? [] : input.checks.filter(wasCompared).filter((checked) => adopted.has(checked.output.file) && outsideWrapper(checked));
  return { writes: merged.writes, skipped, adoptedFrom, alsoChanges: alsoChanges(input, adoptedFrom, unbacked.atoms, changedAtoms), carried };
}

/** True when a section of the file (or of a part of it) stands before the wrapper's opening line or after its closing line. */
function outsideWrapper(checked: CheckedOutput): boolean {
  if (checked.parts) return checked.parts.some((part) => part.check !== undefined && outsideWrapper(part.check));
  const wrapper = checked.parsed?.wrapper;
  if (!wrapper) return false;
  const close = wrapper.close ?? Number.POSITIVE_INFINITY;
  return (checked.parsed?.sections ?? []).some((section) => section.open < wrapper.open || section.open > close);
}

/** Each finding to the step that carries it, or straight to a skip with the reason. */
function sortFindings(checks: readonly CheckedOutput[], input: AdoptionInput): { unbacked: FindingAt[]; edited: FindingAt[]; moved: FindingAt[]; skipped: AdoptionSkip[] } {
  const sorted: { unbacked: FindingAt[]; edited: FindingAt[]; moved: FindingAt[]; skipped: AdoptionSkip[] } = { unbacked: [], edited: [], moved: [], skipped: [] };
  const named = input.sections;
  const differing = new Set<string>();
  for (const checked of checks.filter(wasCompared)) {
    const byTag = new Map((checked.parsed?.sections ?? []).map((section) => [section.tag, section]));
    for (const finding of checked.findings) {
      if (finding.tag !== undefined) differing.add(finding.tag);
      const section = finding.tag === undefined ? undefined : byTag.get(finding.tag);
      const item: FindingAt = section ? { finding, checked, section } : { finding, checked };
      const reason = checked.output.profile.index ? indexReason(finding) : (deletionReason(finding, checked, input) ?? skipReason(finding, named));
      if (reason === null) continue;
      if (reason !== undefined) sorted.skipped.push(skipOf(finding, reason));
      else if (finding.kind === "unbacked") sorted.unbacked.push(item);
      else if (finding.kind === "moved") sorted.moved.push(item);
      else sorted.edited.push(item);
    }
  }
  // A --section tag that names no section differing anywhere is a mistake worth saying.
  for (const tag of named) {
    if (!differing.has(tag)) sorted.skipped.push({ file: `--section ${tag}`, line: 0, kind: "drift", tag, reason: "no section with this tag differs from what a build writes, in any output" });
  }
  return sorted;
}

/**
 * Why a section the last build wrote, and the file now lacks, cannot be
 * carried: it was deleted by hand, and a build would restore it. A section
 * the last build did not write (new atoms) is only `missing`: nothing to carry.
 */
function deletionReason(finding: Finding, checked: CheckedOutput, { atomsDir, show }: AdoptionInput): string | undefined {
  const { output } = checked;
  if (finding.kind !== "missing" || finding.tag === undefined) return undefined;
  if (!(output.previous?.sections ?? []).some((section) => section.tag === finding.tag)) return undefined;
  const atoms = output.sections.find((section) => section.tag === finding.tag)?.atoms.map((planned) => show(path.join(atomsDir, planned.atom.path))) ?? [];
  const remove = output.profile.include ? `delete its atoms (${atoms.join(", ")})` : `remove <${finding.tag}> from ${show(output.profile.file)}, or delete its atoms`;
  return `deleted by hand, and adopt does not carry a deletion (a build restores the section): ${remove}, then adopt again; or run llmsgen build to restore it`;
}

/** null: nothing to carry; undefined: a step carries it; a string: why it cannot be carried. */
function skipReason(finding: Finding, named: ReadonlySet<string>): string | null | undefined {
  switch (finding.kind) {
    case "stale":
    case "missing":
      return null;
    case "unbacked":
    case "edited":
    case "moved":
      return undefined;
    case "drift":
      return finding.tag !== undefined && named.has(finding.tag)
        ? undefined
        : `no manifest tells whether the file or the atoms are newer: adopt it with --section ${finding.tag ?? "TAG"}, or overwrite it with llmsgen build --force`;
    case "conflict":
      return "edited by hand while its atoms changed too: carry the edit into the atoms by hand, then run llmsgen build --force";
    case "extra":
      return "a build would not write this section here although atoms carry its tag: add them to the profile, or remove the section";
    case "stray":
      return frameReason(finding) ?? "the output format has no place for this in atoms or profiles: move the text into a section, or undo the change in the file, then adopt again";
    case "malformed":
      return "broken section structure: fix the tag lines by hand first";
  }
}

/**
 * The check's own word for a difference in the file's frame (its line ends,
 * a BOM, the wrapper's lines): no section could hold it, so the generic
 * "move the text into a section" would mislead.
 */
function frameReason(finding: Finding): string | undefined {
  if (!/^the (file has CRLF|file starts with a byte order mark|wrapper)/.test(finding.message)) return undefined;
  return finding.message.includes(": ") ? finding.message : `${finding.message}: undo the change in the file, then adopt again`;
}

function indexReason(finding: Finding): string | null {
  if (finding.kind === "stale" || finding.kind === "missing") return null;
  return "an index is generated from its profile and the other profiles' descriptions: carry the change there by hand";
}

/**
 * Merges the steps' values into one write per file: new atoms (a file that
 * exists is never replaced), atom bodies and hand-maintained parts (two
 * outputs that disagree about one file are a skip), then each profile's
 * edits in a fixed order: intros, the new order, new entries (each after the
 * nearest section before it).
 */
function mergeWrites(
  input: AdoptionInput,
  steps: {
    atoms: readonly NewAtom[];
    texts: readonly AtomText[];
    intros: readonly IntroEdit[];
    orders: readonly SectionOrder[];
    inserts: readonly SectionInsert[];
    fileParts: readonly FilePartText[];
  },
): { writes: AdoptionWrite[]; skipped: AdoptionSkip[] } {
  const writes = new Map<string, AdoptionWrite>();
  const edit = (file: string, change: (text: string) => string, note: string): void => {
    const existing = writes.get(file);
    const before = existing ? existing.before : input.read(file);
    const after = change(existing?.after ?? before ?? "");
    writes.set(file, { file, shown: input.show(file), before, after, note: existing ? `${existing.note}; ${note}` : note });
  };
  for (const atom of steps.atoms) {
    writes.set(atom.file, { file: atom.file, shown: input.show(atom.file), before: null, after: atomFile(atom.id, atom.tag, atom.text), note: `new atom for <${atom.tag}> from ${atom.from.file}:${atom.from.line}` });
  }
  const bodies = agreeing(steps.texts.map((text) => ({ ...text, path: text.file })), input.show);
  for (const text of bodies.agreed) edit(text.path, (raw) => replaceAtomBody(raw, text.text), `text of <${text.from.tag}> from ${text.from.file}:${text.from.line}`);
  const parts = agreeing(steps.fileParts, input.show);
  for (const part of parts.agreed) edit(part.path, () => part.text, `hand-maintained part, as edited in ${part.from.file}:${part.from.line}`);
  for (const [file, change, note] of profileEdits(steps)) edit(file, change, note);
  const unreadable = readBackSkips(input, steps, writes);
  // An edit that leaves a file as it was (a section already last, say) is no write.
  const changed = [...writes.values()].filter((write) => write.after !== write.before);
  return { writes: changed.sort((a, b) => naturalCompare(a.shown, b.shown)), skipped: [...bodies.skipped, ...parts.skipped, ...unreadable] };
}

/** Every atom file written must load back as the text its section holds, or the next build would differ: a skip for each that does not. */
function readBackSkips(input: AdoptionInput, steps: { atoms: readonly NewAtom[]; texts: readonly AtomText[] }, writes: ReadonlyMap<string, AdoptionWrite>): AdoptionSkip[] {
  const expected = new Map<string, { text: string; from: Finding }>([...steps.atoms.map((atom) => [atom.file, atom] as const), ...steps.texts.map((text) => [text.file, text] as const)]);
  const skipped: AdoptionSkip[] = [];
  for (const [file, { text, from }] of expected) {
    const write = writes.get(file);
    if (write === undefined) continue;
    const relative = path.relative(input.atomsDir, file).split(path.sep).join("/");
    // An atom that does not load as it stands is not adopt's doing: loading reports it.
    const loadedBefore = write.before === null || readBackProblem(write.before, undefined, write.shown, relative) === undefined;
    const problem = loadedBefore ? readBackProblem(write.after, text, write.shown, relative) : undefined;
    if (problem) skipped.push(skipOf(from, problem));
  }
  return skipped;
}

/** New texts for files, one per file where every output that edited it agrees; a skip for each edit where they disagree. */
function agreeing<T extends { path: string; text: string; from: Finding }>(edits: readonly T[], show: (file: string) => string): { agreed: T[]; skipped: AdoptionSkip[] } {
  const byFile = new Map<string, T[]>();
  for (const edit of edits) byFile.set(edit.path, [...(byFile.get(edit.path) ?? []), edit]);
  const agreed: T[] = [];
  const skipped: AdoptionSkip[] = [];
  for (const [file, group] of byFile) {
    const [first] = group;
    if (first === undefined) continue;
    if (group.every((other) => other.text === first.text)) {
      agreed.push(first);
      continue;
    }
    const where = group.map((other) => `${other.from.file}:${other.from.line}`).join(" and ");
    for (const other of group) skipped.push(skipOf(other.from, `${show(file)} was edited differently in ${where}: make the edits agree, then adopt again`));
  }
  return { agreed, skipped };
}

/** The profile edits in the order they apply: intros, the new order, new entries (each entry once). */
function profileEdits(steps: { intros: readonly IntroEdit[]; orders: readonly SectionOrder[]; inserts: readonly SectionInsert[] }): [string, (source: string) => string, string][] {
  const edits: [string, (source: string) => string, string][] = [];
  for (const intro of steps.intros) edits.push([intro.profileFile, (source) => replaceIntro(source, intro.tag, intro.intro), `intro of ${intro.tag}`]);
  for (const order of steps.orders) {
    edits.push([order.profileFile, (source) => reorderSections(source, order.tags), `sections reordered as in the file (${order.from.map((finding) => finding.tag).join(", ")} moved)`]);
  }
  const added = new Set<string>();
  for (const insert of steps.inserts) {
    const key = `${insert.profileFile}\n${insert.tag}`;
    if (added.has(key)) continue;
    added.add(key);
    edits.push([insert.profileFile, (source) => insertSection(source, insertIndex(source, insert.after), insert.tag, insert.atomId), `section ${insert.tag} added`]);
  }
  return edits;
}

/** Where a new entry goes in the profile's list: after the nearest section before it in the file that the list holds. */
function insertIndex(source: string, after: readonly string[]): number {
  const tags = sectionTagsOf(source);
  for (const tag of after) {
    const at = tags.indexOf(tag);
    if (at !== -1) return at + 1;
  }
  return 0;
}

/** Outputs of other profiles that pick up a new atom through a glob, or render a changed atom; and every index, when anything is adopted. */
function alsoChanges(input: AdoptionInput, adoptedFrom: readonly string[], created: readonly NewAtom[], changed: ReadonlySet<string>): string[] {
  const adopted = new Set(adoptedFrom);
  const createdPaths = created.map((atom) => path.relative(input.atomsDir, atom.file).split(path.sep).join("/"));
  const outputs: string[] = [];
  const indexes: string[] = [];
  for (const { output } of input.checks) {
    if (adopted.has(output.file)) continue;
    const { profile } = output;
    if (profile.index) {
      // An index lists token counts, which an adopted text changes.
      if (adopted.size > 0) indexes.push(output.file);
      continue;
    }
    if (output.parts) continue; // judged below, from its parts
    const globs = profile.include ?? (profile.sections ?? []).flatMap((section) => section.atoms.filter(isGlob));
    const picksUp = createdPaths.some((relative) => globs.some((pattern) => globToRegExp(pattern).test(relative)));
    const renders = output.sections.some((section) => section.atoms.some((atom) => atom.state === "full" && changed.has(path.join(input.atomsDir, atom.atom.path))));
    if (picksUp || renders) outputs.push(output.file);
  }
  // A composed output changes with any part that does: a written file, or a part profile's output (or one adopted from).
  const changing = new Set(input.checks.filter(({ output }) => outputs.includes(output.file) || adopted.has(output.file)).map(({ output }) => output.profile.name));
  for (let grown = true; grown; ) {
    grown = false;
    for (const { output } of input.checks) {
      if (!output.parts || changing.has(output.profile.name)) continue;
      if (!output.parts.some((part) => (part.kind === "file" ? changed.has(part.path) : changing.has(part.plan.profile.name)))) continue;
      changing.add(output.profile.name);
      if (!adopted.has(output.file)) outputs.push(output.file);
      grown = true;
    }
  }
  return [...outputs, ...indexes];
}

/** A diff of one planned write, for `--dry-run`. */
export function writeDiff(write: AdoptionWrite): string {
  const before = write.before === null ? [] : write.before.replace(/\n$/, "").split("\n");
  const after = write.after.replace(/\n$/, "").split("\n");
  return unifiedDiff(write.shown, { lines: before, start: 1 }, { lines: after, start: 1 }, ["current", "adopted"]);
}
