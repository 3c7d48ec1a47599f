import type { FindingKind } from "../model.js";

/** The four ways a piece of generated text can differ from what a build writes now. */
export type ChangeKind = Extract<FindingKind, "edited" | "stale" | "conflict" | "drift">;

/**
 * Which side changed since the last build, from three hashes: the text on
 * disk, the text a build writes now, and what the last build wrote.
 * The one place this decision is made, for sections and for whole files alike.
 * Call it only when the two texts differ.
 */
export function changeKind(actualSha: string, expectedSha: string, lastSha: string | null | undefined): ChangeKind {
  if (lastSha === undefined || lastSha === null) return "drift";
  const editedByHand = actualSha !== lastSha;
  const sourcesChanged = expectedSha !== lastSha;
  if (editedByHand && sourcesChanged) return "conflict";
  return editedByHand ? "edited" : "stale";
}
