import type { PackReason } from "../model.js";
import { isRecord } from "./cache-file.js";

/**
 * A packed plan reduced to its decisions (pack/plan-cache.ts makes and
 * restores it): every atom's state and tokens, every section's tokens, and
 * the hashes of the rendered file and sections.
 */
export interface CachedPlan {
  /** One letter per atom in profile order: f full, b brief, d dropped. */
  states: string;
  atomTokens: number[];
  sectionTokens: number[];
  tokens: number;
  /** Why each degraded or dropped atom is so, by position. */
  reasons: Record<string, PackReason>;
  sha256: string;
  sectionSha256: (string | null)[];
}

const count = (value: unknown): boolean => Number.isInteger(value) && typeof value === "number" && value >= 0;

export function isCachedPlan(value: unknown): value is CachedPlan {
  if (!isRecord(value)) return false;
  const { states, atomTokens, sectionTokens, tokens, reasons, sha256, sectionSha256 } = value;
  return (
    typeof states === "string" &&
    /^[fbd]*$/.test(states) &&
    Array.isArray(atomTokens) &&
    atomTokens.length === states.length &&
    atomTokens.every(count) &&
    Array.isArray(sectionTokens) &&
    sectionTokens.every(count) &&
    count(tokens) &&
    isRecord(reasons) &&
    Object.values(reasons).every(isPackReason) &&
    typeof sha256 === "string" &&
    Array.isArray(sectionSha256) &&
    sectionSha256.length === sectionTokens.length &&
    sectionSha256.every((hash) => hash === null || typeof hash === "string")
  );
}

function isPackReason(value: unknown): value is PackReason {
  if (!isRecord(value)) return false;
  const { budget, section, limit, priority, saved } = value;
  return (budget === "file" || (budget === "section" && typeof section === "string")) && count(limit) && count(priority) && count(saved);
}
