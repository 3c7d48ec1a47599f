import path from "node:path";
import type { Atom, OutputToCheck, ParsedSection } from "../model.js";
import { edgeProblem, idFromTag, innerText } from "./adoptable-text.js";
import type { AdoptionSkip } from "../model.js";
import { skipOf, type FindingAt, type NewAtom, type SectionInsert } from "./adoption-types.js";
import { isGlob } from "../load/glob.js";
import { includeOrder, matchesInclude, sameOrder } from "./include-order.js";

export interface UnbackedContext {
  atoms: readonly Atom[];
  /** Absolute. */
  atomsDir: string;
  exists: (file: string) => boolean;
  show: (file: string) => string;
}

/**
 * Unbacked sections → new atoms: one atom per tag (the same
 * section written by hand into two outputs becomes one atom, if both say
 * the same), placed beside the atoms of a neighbouring section; for a
 * `sections:` profile an entry is inserted where the section stands, for an
 * `include:` profile the file is named so that path order keeps its place.
 * Everything it cannot do is a skip.
 */
export function adoptUnbacked(items: readonly FindingAt[], context: UnbackedContext): { atoms: NewAtom[]; inserts: SectionInsert[]; skipped: AdoptionSkip[] } {
  const takenIds = new Set(context.atoms.map((atom) => atom.id));
  const takenFiles = new Set<string>();
  // New atoms already placed for each include output: path order must hold with all of them at once.
  const placedFor = new Map<string, PlacedAtom[]>();
  const byTag = new Map<string, NewAtom>();
  const atoms: NewAtom[] = [];
  const inserts: SectionInsert[] = [];
  const skipped: AdoptionSkip[] = [];

  const freeId = (base: string): string => {
    let id = base;
    for (let n = 2; takenIds.has(id); n++) id = `${base}-${n}`;
    takenIds.add(id);
    return id;
  };
  const freePath = (file: string): string => {
    let candidate = file;
    const { dir, name } = path.parse(file);
    for (let n = 2; context.exists(candidate) || takenFiles.has(candidate); n++) candidate = path.join(dir, `${name}-${n}.md`);
    return candidate;
  };

  for (const { finding, checked, section } of items) {
    if (!section || !checked.parsed) {
      skipped.push(skipOf(finding, "the section could not be found in the file's parse: fix the file's structure first"));
      continue;
    }
    const { output } = checked;
    if (section.tag === output.profile.wrapper) {
      skipped.push(skipOf(finding, `<${section.tag}> is the wrapper's tag, and a section may not share it (a build refuses the profile): rename the section, then adopt again`));
      continue;
    }
    const text = innerText(section);
    const problem = edgeProblem(text);
    if (problem) {
      skipped.push(skipOf(finding, problem));
      continue;
    }
    const fileOrder = checked.parsed.sections;
    let atom = byTag.get(section.tag);
    if (atom && atom.text !== text) {
      skipped.push(skipOf(finding, `<${section.tag}> was also added by hand to ${atom.from.file}:${atom.from.line} with other text: make them agree, then adopt again`));
      continue;
    }
    if (!atom) {
      const id = freeId(idFromTag(section.tag));
      const placed = placedFor.get(output.file) ?? [];
      const file = output.profile.include ? placeForInclude({ output, fileOrder, section, placed }, id, context, freePath) : placeForSections(output, fileOrder, section, id, context, freePath);
      takenFiles.add(file);
      atom = { file, id, tag: section.tag, text, from: finding };
      byTag.set(section.tag, atom);
      atoms.push(atom);
    }
    if (output.profile.sections) {
      const globs = output.profile.sections.flatMap((spec) => spec.atoms.filter(isGlob));
      const relative = slash(path.relative(context.atomsDir, atom.file));
      if (matchesInclude(globs, relative)) {
        skipped.push(skipOf(finding, `the new atom ${context.show(atom.file)} would also be picked up by a glob of this profile, and an atom may appear once per profile: narrow the glob, then adopt again`));
        continue;
      }
      const after = fileOrder.slice(0, fileOrder.indexOf(section)).map((earlier) => earlier.tag).reverse();
      inserts.push({ profileFile: output.profile.file, tag: section.tag, atomId: atom.id, after, from: finding });
      continue;
    }
    const relative = slash(path.relative(context.atomsDir, atom.file));
    const placed = placedFor.get(output.file) ?? [];
    placedFor.set(output.file, [...placed, { tag: section.tag, path: relative }]);
    if (!inIncludeOrder({ output, fileOrder, section, placed }, relative)) {
      const how = matchesInclude(output.profile.include ?? [], relative) ? "put at another position" : "left out";
      skipped.push(
        skipOf(finding, `the new atom ${context.show(atom.file)} would be ${how} by this profile's include globs: add a glob, or create the atom by hand where path order places it as it stands in the file`),
      );
    }
  }
  return { atoms, inserts, skipped };
}

/** A new atom of an include output, relative to the atoms dir. */
interface PlacedAtom {
  tag: string;
  path: string;
}

/** A section of an include output to place, with the new atoms placed before it for the same output. */
interface IncludeSlot {
  output: OutputToCheck;
  fileOrder: readonly ParsedSection[];
  section: ParsedSection;
  placed: readonly PlacedAtom[];
}

/** True when an include profile, given an atom at `relative` with the section's tag (and the new atoms placed before it), writes the file's sections in the file's order. */
function inIncludeOrder({ output, fileOrder, section, placed }: IncludeSlot, relative: string): boolean {
  const written = new Set([...output.sections.flatMap((planned) => (planned.text === null ? [] : [planned.tag])), ...placed.map((atom) => atom.tag)]);
  const wanted = fileOrder.map((candidate) => candidate.tag).filter((tag) => tag === section.tag || written.has(tag));
  return matchesInclude(output.profile.include ?? [], relative) && sameOrder(includeOrder(output.sections, [...placed, { tag: section.tag, path: relative }]), wanted);
}

/**
 * Where a new atom of an include profile goes: beside the atoms of the
 * section before it in the file, or of the one after it, or in a folder an
 * include glob names, whichever keeps path order; the first candidate when none does.
 */
function placeForInclude(slot: IncludeSlot, id: string, context: UnbackedContext, freePath: (file: string) => string): string {
  const { output, fileOrder, section, placed } = slot;
  const position = fileOrder.indexOf(section);
  // The atom files of a section: the planned ones, or the one placed for it by this adoption.
  const pathsOf = (tag: string): string[] => {
    const planned = output.sections.find((candidate) => candidate.tag === tag)?.atoms.map((atom) => atom.atom.path) ?? [];
    return planned.length > 0 ? planned : placed.filter((atom) => atom.tag === tag).map((atom) => atom.path);
  };
  const beforePath = fileOrder.slice(0, position).reverse().map((candidate) => pathsOf(candidate.tag).at(-1)).find((atomPath) => atomPath !== undefined);
  const afterPath = fileOrder.slice(position + 1).map((candidate) => pathsOf(candidate.tag)[0]).find((atomPath) => atomPath !== undefined);
  const neighbours = [beforePath, afterPath].flatMap((atomPath) => (atomPath === undefined ? [] : [path.dirname(path.join(context.atomsDir, atomPath))]));
  const globDirs = (output.profile.include ?? []).map((pattern) => path.join(context.atomsDir, literalDir(pattern)));
  // Where the neighbours carry order prefixes, the new file follows their convention; an output with no atom yet and several sections starts one (10-, 20-, …).
  const fresh = fileOrder.length > 1 && beforePath === undefined && afterPath === undefined && output.sections.every((planned) => planned.atoms.length === 0);
  const names = [...(fresh ? [`10-${id}.md`] : orderedNames(id, beforePath, afterPath)), `${id}.md`];
  const dirs = [...new Set([...neighbours, ...globDirs, context.atomsDir])];
  const candidates = dirs.flatMap((dir) => names.map((name) => freePath(path.join(dir, name))));
  const fitting = candidates.find((file) => inIncludeOrder(slot, slash(path.relative(context.atomsDir, file))));
  return fitting ?? candidates[0] ?? path.join(context.atomsDir, `${id}.md`);
}

const ORDER_PREFIX = /^(\d+)([a-z]?)-/;

/**
 * File names for a new atom with an order prefix that sorts between the atom
 * files around its section (`15-id.md` between `10-a.md` and `20-b.md`,
 * `30-id.md` after `20-b.md`, `07b-id.md` between `07-a.md` and `08-b.md`),
 * when those files carry prefixes; the number keeps their width.
 */
export function orderedNames(id: string, beforePath: string | undefined, afterPath: string | undefined): string[] {
  const prefixOf = (atomPath: string | undefined) => {
    const match = atomPath === undefined ? null : ORDER_PREFIX.exec(path.posix.basename(atomPath));
    return match ? { digits: match[1] ?? "", value: Number(match[1]), letter: match[2] ?? "" } : undefined;
  };
  const before = prefixOf(beforePath);
  const after = prefixOf(afterPath);
  const width = (before ?? after)?.digits.length ?? 0;
  const numbered = (value: number, letter = "") => `${String(value).padStart(width, "0")}${letter}-${id}.md`;
  if (before && after) {
    const middle = Math.floor((before.value + after.value) / 2);
    if (middle > before.value && middle < after.value) return [numbered(middle)];
    const letter = String.fromCharCode((before.letter || "a").charCodeAt(0) + 1);
    return before.value === after.value || letter > "z" ? [] : [numbered(before.value, letter)];
  }
  if (before) return [numbered(before.value + (before.value % 10 === 0 ? 10 : 1))];
  if (after && after.value > 0) return [numbered(Math.floor(after.value / 2))];
  return [];
}

/** The folders of a glob before its first wildcard: `guides/**\/*.md` → `guides`. */
function literalDir(pattern: string): string {
  const segments = pattern.split("/");
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[{]/.test(segment)) break;
    literal.push(segment);
  }
  return literal.join("/");
}

/**
 * Where a new atom of a `sections:` profile goes: beside the first atom of
 * the nearest section (before it first, then after it), else in the atoms
 * dir; never where a glob of the profile would pick it up too, since its new
 * entry names it by id (an atom may appear once per profile).
 */
function placeForSections(
  output: OutputToCheck,
  fileOrder: readonly ParsedSection[],
  section: ParsedSection,
  id: string,
  context: UnbackedContext,
  freePath: (file: string) => string,
): string {
  const position = fileOrder.indexOf(section);
  const nearest = [...fileOrder.slice(0, position).reverse(), ...fileOrder.slice(position + 1)];
  const dirs = nearest.flatMap((candidate) => {
    const atom = output.sections.find((planned) => planned.tag === candidate.tag)?.atoms[0]?.atom;
    return atom ? [path.dirname(path.join(context.atomsDir, atom.path))] : [];
  });
  const globs = (output.profile.sections ?? []).flatMap((spec) => spec.atoms.filter(isGlob));
  const candidates = [...new Set([...dirs, context.atomsDir])].map((dir) => freePath(path.join(dir, `${id}.md`)));
  const free = candidates.find((file) => !matchesInclude(globs, slash(path.relative(context.atomsDir, file))));
  return free ?? candidates[0] ?? path.join(context.atomsDir, `${id}.md`);
}

function slash(relative: string): string {
  return relative.split(path.sep).join("/");
}
