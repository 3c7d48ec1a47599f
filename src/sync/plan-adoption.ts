import path from "node:path";
import { displayPath } from "../load/layout.js";
import type { Project } from "../load/load-project.js";
import { naturalCompare } from "../load/natural-compare.js";
import { globToRegExp, isGlob } from "../load/glob.js";
import type { FileCheck, Finding, PackPlan, PlannedSection } from "../model.js";
import type { BuildPlan } from "../plan-build.js";
import { parseOutput, type ParsedSection } from "../render/parse-output.js";
import { insertSection, profileTags, replaceIntro } from "./edit-profile.js";
import { atomFile, edgeProblem, idFromTag, innerText, splitBody } from "./adoptable-text.js";
import { includeOrder, matchesInclude, sameOrder } from "./include-order.js";
import { replaceAtomBody } from "./replace-atom-body.js";
import { unifiedDiff } from "./unified-diff.js";

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

/** A difference adoption leaves alone, and why. */
export interface AdoptionSkip {
  file: string;
  line: number;
  tag?: string;
  kind: Finding["kind"];
  reason: string;
  diff?: string;
}

export interface AdoptionPlan {
  writes: AdoptionWrite[];
  skipped: AdoptionSkip[];
  /** The outputs whose hand-written text was adopted. */
  adoptedFrom: string[];
  /**
   * Other outputs that pick up a new atom through a glob or render a changed
   * atom in full; after a real adoption, `adopt` replaces this estimate with
   * the outputs whose bytes a build would really change.
   */
  alsoChanges: string[];
}

export interface AdoptionInput {
  project: Project;
  build: BuildPlan;
  checks: readonly FileCheck[];
  /** Tags named with `--section`: drift sections to adopt as well. */
  sections: ReadonlySet<string>;
  /** Reads a file's text exactly as stored (BOM and line ends included). */
  read: (file: string) => string;
  exists: (file: string) => boolean;
}

/**
 * Plans how hand-written text goes back into atoms and profiles:
 * unbacked sections become new atoms with a profile entry at the same place,
 * edited single-atom sections go back into their atom (and intro changes into
 * the profile), drift sections only when named. Pure apart from `read` and
 * `exists`; nothing is written here.
 */
export function planAdoption(input: AdoptionInput): AdoptionPlan {
  const { project } = input;
  const { layout } = project;
  const writes = new Map<string, AdoptionWrite>();
  const skipped: AdoptionSkip[] = [];
  const takenIds = new Set(project.atoms.map((atom) => atom.id));
  const newAtoms: { path: string; id: string }[] = [];
  const sources = new Set<string>();
  const changedAtoms = new Set<string>();
  /** New text per atom file, and where it came from: two outputs may disagree about one atom. */
  const atomEdits = new Map<string, { text: string; note: string; path: string; findings: Finding[]; sources: Set<string>; conflict: boolean }>();
  /** New atoms per tag: a tag added by hand to two outputs becomes one atom, if both say the same. */
  const created = new Map<string, { id: string; text: string; file: string; finding: Finding }>();

  const edit = (file: string, change: (text: string) => string, note: string) => {
    const existing = writes.get(file);
    const before = existing ? existing.before : input.read(file);
    const after = change(existing ? existing.after : (before as string));
    writes.set(file, { file, shown: displayPath(layout, file), before, after, note: existing ? `${existing.note}; ${note}` : note });
  };

  for (const check of input.checks) {
    const plan = input.build.plans.find((candidate) => candidate.profile.name === check.profile);
    const output = input.build.files.find((file) => file.plan === plan);
    if (!plan || !output || output.current === null || check.findings.length === 0) continue;
    const actual = parseOutput(output.current.read().replace(/^\uFEFF/, ""), plan.profile.wrapper !== undefined);
    const profileFile = plan.profile.file;
    const skip = (finding: Finding, reason: string): void => {
      skipped.push({ file: finding.file, line: finding.line, kind: finding.kind, reason, ...(finding.tag ? { tag: finding.tag } : {}), ...(finding.diff ? { diff: finding.diff } : {}) });
    };

    for (const finding of check.findings) {
      if (plan.profile.index) {
        if (finding.kind !== "stale" && finding.kind !== "missing") {
          skip(finding, "an index is generated from its profile and the other profiles' descriptions: carry the change there by hand");
        }
        continue;
      }
      const have = actual.sections.find((section) => section.tag === finding.tag);
      switch (finding.kind) {
        case "stale":
        case "missing":
          break; // a build brings these up to date; nothing was written by hand
        case "unbacked":
          if (have) adoptUnbacked(finding, have);
          break;
        case "drift":
          if (!finding.tag || !input.sections.has(finding.tag)) {
            skip(finding, `no manifest tells whether the file or the atoms are newer: adopt it with --section ${finding.tag}, or overwrite it with llmsgen build --force`);
          } else if (have) {
            adoptEdited(finding, have);
          }
          break;
        case "edited":
          if (have) adoptEdited(finding, have);
          break;
        case "conflict":
          skip(finding, "edited by hand while its atoms changed too: carry the edit into the atoms by hand, then run llmsgen build --force");
          break;
        case "extra":
          skip(finding, "a build would not write this section here although atoms carry its tag: add them to the profile, or remove the section");
          break;
        case "stray":
          skip(finding, "text outside any section cannot be expressed by the output format: move it into a section, or remove it");
          break;
        case "malformed":
          skip(finding, "broken section structure: fix the tag lines by hand first");
          break;
      }
    }

    function adoptUnbacked(finding: Finding, have: ParsedSection): void {
      const text = innerText(have);
      const problem = edgeProblem(text);
      if (problem) return skip(finding, problem);
      const earlier = created.get(have.tag);
      if (earlier && earlier.text !== text) {
        return skip(finding, `<${have.tag}> was also added by hand to ${earlier.finding.file}:${earlier.finding.line} with other text: make them agree, then adopt again`);
      }
      if (earlier && (plan as PackPlan).profile.sections) {
        sources.add(check.file);
        edit(profileFile, (source) => insertSection(source, insertIndex(source, have), have.tag, earlier.id), `section ${have.tag} added`);
        return;
      }
      if (earlier) return; // an include profile picks the same atom up by its globs, or the first adoption said it would not
      const id = freeId(idFromTag(have.tag));
      const placed = (plan as PackPlan).profile.include ? placeForInclude(id, have) : undefined;
      const file = placed?.file ?? freePath(path.join(neighbourDir(plan as PackPlan, actual.sections, have), `${id}.md`));
      const relative = path.relative(layout.atomsDir, file).split(path.sep).join("/");
      takenIds.add(id);
      newAtoms.push({ path: relative, id });
      created.set(have.tag, { id, text, file, finding });
      sources.add(check.file);
      writes.set(file, { file, shown: displayPath(layout, file), before: null, after: atomFile(id, have.tag, text), note: `new atom for <${have.tag}> from ${finding.file}:${finding.line}` });
      const profile = (plan as PackPlan).profile;
      if (profile.sections) {
        edit(profileFile, (source) => insertSection(source, insertIndex(source, have), have.tag, id), `section ${have.tag} added`);
      } else if (!placed?.inPlace) {
        skipped.push({
          file: finding.file,
          line: finding.line,
          tag: have.tag,
          kind: finding.kind,
          reason: `the new atom ${displayPath(layout, file)} is ${matchesInclude(plan as PackPlan, relative) ? "put at another position" : "not picked up"} by this profile's include globs: rename or move it so that path order places it where it stands in the file`,
        });
      }
    }

    /**
     * Where a new atom of an include profile goes: beside the atoms of the
     * section before it in the file, or of the one after it, whichever path
     * order puts in the same place; the first candidate when neither does.
     */
    function placeForInclude(id: string, have: ParsedSection): { file: string; inPlace: boolean } {
      const currentPlan = plan as PackPlan;
      const position = actual.sections.indexOf(have);
      const sectionOf = (tag: string) => currentPlan.sections.find((section) => section.tag === tag);
      const before = actual.sections.slice(0, position).reverse().map((section) => sectionOf(section.tag)).find((section) => section !== undefined);
      const after = actual.sections.slice(position + 1).map((section) => sectionOf(section.tag)).find((section) => section !== undefined);
      const dirs = [before?.atoms[before.atoms.length - 1]?.atom.path, after?.atoms[0]?.atom.path].flatMap((atomPath) =>
        atomPath === undefined ? [] : [path.dirname(path.join(layout.atomsDir, atomPath))],
      );
      const candidates = [...new Set([...dirs, layout.atomsDir])].map((dir) => freePath(path.join(dir, `${id}.md`)));
      const wanted = actual.sections.map((section) => section.tag).filter((tag) => tag === have.tag || sectionOf(tag)?.text);
      for (const file of candidates) {
        const relative = path.relative(layout.atomsDir, file).split(path.sep).join("/");
        if (matchesInclude(currentPlan, relative) && sameOrder(includeOrder(currentPlan, relative, have.tag), wanted)) return { file, inPlace: true };
      }
      return { file: candidates[0] as string, inPlace: false };
    }

    function adoptEdited(finding: Finding, have: ParsedSection): void {
      const section = (plan as PackPlan).sections.find((candidate) => candidate.tag === have.tag) as PlannedSection;
      let body = innerText(have);
      let intro = section.intro;
      if (section.intro !== undefined) {
        const count = section.intro.split("\n\n").length;
        const paragraphs = body.split("\n\n");
        if (paragraphs.length <= count) return skip(finding, `the profile's intro has ${count} paragraph(s) and the section has no text after them`);
        intro = paragraphs.slice(0, count).join("\n\n");
        body = paragraphs.slice(count).join("\n\n");
        if (edgeProblem(intro)) return skip(finding, `the intro part ${edgeProblem(intro)}`);
      }
      const kept = section.atoms.filter((atom) => atom.state !== "dropped");
      const texts = kept.map((atom) => (atom.state === "full" ? atom.atom.text : atom.atom.brief));
      const split = splitBody(body, texts);
      if (!split) {
        return skip(finding, `the edit spans several of its atoms (${kept.map((atom) => atom.atom.id).join(", ")}) and cannot be split back unambiguously: edit those atoms by hand`);
      }
      for (const [position, newText] of split.entries()) {
        if (newText === texts[position]) continue;
        const planned = kept[position] as (typeof kept)[number];
        if (planned.state !== "full") return skip(finding, `atom ${planned.atom.id} is rendered as its brief here: edit the brief in its frontmatter by hand`);
        const problem = edgeProblem(newText);
        if (problem) return skip(finding, problem);
      }
      for (const [position, newText] of split.entries()) {
        if (newText === texts[position]) continue;
        const atom = (kept[position] as (typeof kept)[number]).atom;
        const file = path.join(layout.atomsDir, atom.path);
        const note = `text of <${have.tag}> from ${finding.file}:${finding.line}`;
        const pending = atomEdits.get(file);
        if (!pending) atomEdits.set(file, { text: newText, note, path: atom.path, findings: [finding], sources: new Set([check.file]), conflict: false });
        else {
          pending.findings.push(finding);
          pending.sources.add(check.file);
          if (pending.text !== newText) pending.conflict = true;
        }
      }
      if (intro !== undefined && intro !== section.intro) {
        sources.add(check.file);
        edit(profileFile, (source) => replaceIntro(source, have.tag, intro as string), `intro of ${have.tag}`);
      }
    }

    /** Where in the profile's sections list a new section goes: after the one before it in the file. */
    function insertIndex(source: string, have: ParsedSection): number {
      const tags = profileTags(source);
      const before = actual.sections.filter((section) => section.open < have.open).map((section) => section.tag);
      for (let i = before.length - 1; i >= 0; i--) {
        const at = tags.indexOf(before[i] as string);
        if (at !== -1) return at + 1;
      }
      return 0;
    }
  }

  // Atom edits go in once every output has been read: two different new texts for one atom is a conflict.
  for (const [file, pending] of atomEdits) {
    if (!pending.conflict) {
      edit(file, (raw) => replaceAtomBody(raw, pending.text), pending.note);
      changedAtoms.add(pending.path);
      for (const source of pending.sources) sources.add(source);
      continue;
    }
    const where = pending.findings.map((finding) => `${finding.file}:${finding.line}`).join(" and ");
    for (const finding of pending.findings) {
      skipped.push({
        file: finding.file,
        line: finding.line,
        kind: finding.kind,
        reason: `${displayPath(layout, file)} was edited differently in ${where}: make the edits agree, then adopt again`,
        ...(finding.tag ? { tag: finding.tag } : {}),
        ...(finding.diff ? { diff: finding.diff } : {}),
      });
    }
  }

  function freeId(base: string): string {
    let id = base;
    for (let n = 2; takenIds.has(id); n++) id = `${base}-${n}`;
    return id;
  }

  function freePath(file: string): string {
    let candidate = file;
    const { dir, name } = path.parse(file);
    for (let n = 2; input.exists(candidate) || writes.has(candidate); n++) candidate = path.join(dir, `${name}-${n}.md`);
    return candidate;
  }

  function neighbourDir(plan: PackPlan, sections: readonly ParsedSection[], have: ParsedSection): string {
    const position = sections.indexOf(have);
    const order = [...sections.slice(0, position).reverse(), ...sections.slice(position + 1)];
    for (const section of order) {
      const atom = plan.sections.find((candidate) => candidate.tag === section.tag)?.atoms[0]?.atom;
      if (atom) return path.dirname(path.join(layout.atomsDir, atom.path));
    }
    return layout.atomsDir;
  }

  // A --section tag that names no section differing anywhere is a mistake worth saying.
  const differing = new Set(input.checks.flatMap((check) => check.findings.flatMap((finding) => (finding.tag ? [finding.tag] : []))));
  for (const tag of input.sections) {
    if (!differing.has(tag)) {
      skipped.push({ file: `--section ${tag}`, line: 0, kind: "drift", tag, reason: "no section with this tag differs from what a build writes, in any output" });
    }
  }
  const writesList = [...writes.values()].sort((a, b) => naturalCompare(a.shown, b.shown));
  return { writes: writesList, skipped, adoptedFrom: [...sources], alsoChanges: alsoChanges(input, sources, newAtoms, changedAtoms) };
}

/** Outputs of other profiles that pick up a new atom through a glob, or render a changed atom. */
function alsoChanges(input: AdoptionInput, adoptedFrom: ReadonlySet<string>, created: readonly { path: string }[], changed: ReadonlySet<string>): string[] {
  const outputs: string[] = [];
  for (const plan of input.build.plans) {
    const output = input.build.files.find((candidate) => candidate.plan === plan);
    if (!output || adoptedFrom.has(output.shown)) continue;
    const globs = plan.profile.include ?? (plan.profile.sections ?? []).flatMap((section) => section.atoms.filter(isGlob));
    const picksUp = created.some((atom) => globs.some((pattern) => globToRegExp(pattern).test(atom.path)));
    const renders = plan.sections.some((section) => section.atoms.some((atom) => atom.state === "full" && changed.has(atom.atom.path)));
    if (picksUp || renders) outputs.push(output.shown);
  }
  // An index lists token counts, which an adopted text changes.
  if (adoptedFrom.size > 0) {
    for (const plan of input.build.plans) {
      const output = input.build.files.find((candidate) => candidate.plan === plan);
      if (plan.profile.index && output && !outputs.includes(output.shown)) outputs.push(output.shown);
    }
  }
  return outputs;
}

/** A diff of one planned write, for `--dry-run`. */
export function writeDiff(write: AdoptionWrite): string {
  const before = write.before === null ? [] : write.before.replace(/\n$/, "").split("\n");
  const after = write.after.replace(/\n$/, "").split("\n");
  return unifiedDiff(write.shown, { lines: before, start: 1 }, { lines: after, start: 1 }, ["current", "adopted"]);
}
