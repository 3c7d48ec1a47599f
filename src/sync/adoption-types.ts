import type { AdoptionSkip, AtomTextOf, ComparedCheck, Finding, ParsedSection } from "../model.js";

/* The values the adoption steps take and return (the plan they add up to is in model.ts). */

/** A finding together with the checked output it came from and, where it names one, the parsed section. */
export interface FindingAt {
  finding: Finding;
  checked: ComparedCheck;
  section?: ParsedSection;
}

/** Where atom files lie, and each atom's text (read now for an atom known by its hash alone). */
export interface AtomFiles {
  /** Absolute. */
  atomsDir: string;
  text: AtomTextOf;
}

/** A new atom file for a section written by hand. */
export interface NewAtom {
  /** Absolute path; never an existing file. */
  file: string;
  id: string;
  tag: string;
  text: string;
  from: Finding;
}

/** A section entry to add to a `sections:` profile, after the nearest of `after` that the profile lists. */
export interface SectionInsert {
  profileFile: string;
  tag: string;
  atomId: string;
  /** Tags of the file's sections before it, nearest first. */
  after: string[];
  from: Finding;
}

/** New body text for an atom file. */
export interface AtomText {
  /** Absolute path. */
  file: string;
  text: string;
  from: Finding;
  output: string;
}

/** A new intro for a profile section. */
export interface IntroEdit {
  profileFile: string;
  tag: string;
  intro: string;
  from: Finding;
}

/** The new order of a `sections:` profile's entries, as the file has them. */
export interface SectionOrder {
  profileFile: string;
  tags: string[];
  from: Finding[];
}

export function skipOf(finding: Finding, reason: string): AdoptionSkip {
  return {
    file: finding.file,
    line: finding.line,
    kind: finding.kind,
    reason,
    ...(finding.tag === undefined ? {} : { tag: finding.tag }),
    ...(finding.diff === undefined ? {} : { diff: finding.diff }),
  };
}
