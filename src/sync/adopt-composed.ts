import type { CheckedOutput, Finding } from "../model.js";
import type { AdoptionSkip } from "../model.js";
import { skipOf } from "./adoption-types.js";

/** The text a composed output holds in the place of a hand-maintained part, to write back into that file. */
export interface FilePartText {
  /** Absolute path of the hand-maintained file. */
  path: string;
  text: string;
  from: Finding;
}

/**
 * Composed outputs → what the other steps adopt. Each `profile:` part that
 * differs becomes a check of its own, adopted as that profile's own output
 * would be; an edited `file:` part becomes its new text; the wrapper, the
 * preamble and the text between parts come from the composed profile, so a
 * change there is a skip for a hand to make. Other checks pass through.
 */
export function expandComposed(checks: readonly CheckedOutput[]): { checks: CheckedOutput[]; fileParts: FilePartText[]; skipped: AdoptionSkip[] } {
  const expanded: CheckedOutput[] = [];
  const fileParts: FilePartText[] = [];
  const skipped: AdoptionSkip[] = [];
  const visit = (checked: CheckedOutput): void => {
    if (!checked.parts) {
      expanded.push(checked);
      return;
    }
    for (const part of checked.parts) if (part.check) visit(part.check);
    for (const finding of checked.findings) {
      if (finding.kind === "stale" || finding.kind === "missing") continue;
      const part = finding.part;
      if (part === undefined) {
        skipped.push(skipOf(finding, FRAME_REASON));
        continue;
      }
      if (!("file" in part)) continue; // a profile part's own finding: its check above carries it
      const held = checked.parts.find((candidate) => candidate.part.kind === "file" && candidate.part.file === part.file);
      if (finding.kind !== "edited" || !held || held.part.kind !== "file") {
        skipped.push(skipOf(finding, FILE_PART_REASONS[finding.kind] ?? "this cannot be carried into the file: fix it by hand"));
        continue;
      }
      fileParts.push({ path: held.part.path, text: held.actual, from: finding });
    }
  };
  for (const checked of checks) visit(checked);
  return { checks: expanded, fileParts, skipped };
}

const FRAME_REASON =
  "the wrapper, its attributes, the preamble and the blank lines between parts come from the composed profile: change the profile by hand (or undo the edit in the file), then adopt again";

const FILE_PART_REASONS: Partial<Record<Finding["kind"], string>> = {
  conflict: "edited here while the hand-maintained file changed too: merge the two into the file by hand, then run llmsgen build --force",
  drift: "no manifest tells whether this text or the hand-maintained file is newer: copy what you want to keep into the file by hand, then run llmsgen build --force",
};
