import path from "node:path";
import { edgeProblem, innerText, splitBody } from "./adoptable-text.js";
import type { AdoptionSkip } from "../model.js";
import { skipOf, type AtomFiles, type AtomText, type FindingAt, type IntroEdit } from "./adoption-types.js";

/**
 * Edited (and named drift) sections → atom bodies and profile intros. The
 * section's leading paragraphs, as many as its intro has, are the intro; the
 * rest is split back into its atoms along the same blank-line joins where
 * that is unambiguous. An atom rendered as its brief, an edit
 * spanning atoms, text an atom cannot hold, or a section that changes
 * nothing is a skip. `atoms` locates each atom's file and gives its text.
 */
export function adoptEdited(items: readonly FindingAt[], atoms: AtomFiles): { texts: AtomText[]; intros: IntroEdit[]; skipped: AdoptionSkip[] } {
  const texts: AtomText[] = [];
  const intros: IntroEdit[] = [];
  const skipped: AdoptionSkip[] = [];
  for (const item of items) {
    const result = adoptOne(item, atoms);
    if (typeof result === "string") {
      skipped.push(skipOf(item.finding, result));
      continue;
    }
    texts.push(...result.texts);
    if (result.intro) intros.push(result.intro);
  }
  return { texts, intros, skipped };
}

/** What one edited section changes, or why it cannot be adopted. */
function adoptOne({ finding, checked, section }: FindingAt, atoms: AtomFiles): { texts: AtomText[]; intro?: IntroEdit } | string {
  const planned = checked.output.sections.find((candidate) => candidate.tag === finding.tag);
  if (!section || !planned) return "the section could not be found in the file's parse: fix the file's structure first";
  let body = innerText(section);
  let intro = planned.intro;
  if (planned.intro !== undefined) {
    const count = planned.intro.split("\n\n").length;
    const paragraphs = body.split("\n\n");
    if (paragraphs.length <= count) return `the profile's intro has ${count} paragraph(s) and the section has no text after them`;
    intro = paragraphs.slice(0, count).join("\n\n");
    body = paragraphs.slice(count).join("\n\n");
    const problem = edgeProblem(intro);
    if (problem) return `the intro part: ${problem}`;
  }
  const kept = planned.atoms.filter((atom) => atom.state !== "dropped");
  const current = kept.map((atom) => (atom.state === "full" ? atoms.text(atom.atom) : atom.atom.brief));
  const split = splitBody(body, current);
  if (!split) return `the edit spans several of its atoms (${kept.map((atom) => atom.atom.id).join(", ")}), or adds text between two of them, and cannot be split back unambiguously: edit those atoms by hand`;

  const texts: AtomText[] = [];
  for (const [index, text] of split.entries()) {
    const atom = kept[index];
    if (!atom || text === current[index]) continue;
    if (atom.state !== "full") return `atom ${atom.atom.id} is rendered as its brief here: edit the brief in its frontmatter by hand`;
    const problem = edgeProblem(text);
    if (problem) return problem;
    texts.push({ file: path.join(atoms.atomsDir, atom.atom.path), text, from: finding, output: checked.output.file });
  }
  const newIntro = intro === planned.intro ? undefined : intro;
  // Never a silent no-op: a finding whose text adoption reads as the atoms' own is reported.
  if (texts.length === 0 && newIntro === undefined) return "adoption reads this section as its atoms and intro already stand, so it has nothing to carry: compare the section with what a build writes";
  if (newIntro === undefined) return { texts };
  return { texts, intro: { profileFile: checked.output.profile.file, tag: planned.tag, intro: newIntro, from: finding } };
}
