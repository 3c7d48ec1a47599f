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
  /** A hash of what the walks depend on apart from the atoms' text: a plan of the same shape can be resumed from this one. */
  shape: string;
  /** The first 16 hex digits of each atom's file hash, in profile order: which atoms a later pack finds changed. */
  atoms: string[];
  /** The steps of its budget walks (pack/pack-profile.ts). */
  trace: { walks: number[][]; simple: string; counts: number[] };
}

const count = (value: unknown): boolean => Number.isInteger(value) && typeof value === "number" && value >= 0;

export function isCachedPlan(value: unknown): value is CachedPlan {
  if (!isRecord(value)) return false;
  const { states, atomTokens, sectionTokens, tokens, reasons, sha256, sectionSha256, shape, atoms, trace } = value;
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
    sectionSha256.every((hash) => hash === null || typeof hash === "string") &&
    typeof shape === "string" &&
    Array.isArray(atoms) &&
    atoms.length === states.length &&
    atoms.every((hash) => typeof hash === "string") &&
    isRecord(trace) &&
    typeof trace.simple === "string" &&
    /^[01]*$/.test(trace.simple) &&
    Array.isArray(trace.walks) &&
    trace.walks.every((steps) => Array.isArray(steps) && steps.length % 3 === 0 && steps.every((step) => Number.isInteger(step))) &&
    Array.isArray(trace.counts) &&
    trace.counts.length === 4 * states.length &&
    trace.counts.every((value) => Number.isInteger(value) && value >= -1)
  );
}

function isPackReason(value: unknown): value is PackReason {
  if (!isRecord(value)) return false;
  const { budget, section, limit, priority, saved } = value;
  return (budget === "file" || (budget === "section" && typeof section === "string")) && count(limit) && count(priority) && count(saved);
}
