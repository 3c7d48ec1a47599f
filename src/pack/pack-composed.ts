import { InputError } from "../errors.js";
import { sha256 } from "../hash.js";
import type { Encoding, PlannedPart, PackPlan, ResolvedProfile } from "../model.js";
import { renderComposed } from "../render/render-output.js";
import { fileFrame, joinSegments, literal } from "../render/segments.js";
import { canCut, toPiece } from "./compose.js";
import type { PieceCounting } from "./piece-counter.js";

/** A chunk of a composed text: literal frame text, or a part whose exact count alone is known. */
export type Chunk = string | { text: string; tokens: number };

/**
 * Plans a composed profile from its parts' plans (each planned once, by
 * name) and its file parts' bytes, and renders it. Nothing is degraded: a
 * composed output over its `budget` is an InputError. The token count is
 * exact without counting the parts' text again: each part is cut where the
 * encoding always cuts, near its start and its end, and its middle's count is
 * its own count less its edges' (countChunks).
 */
export function packComposed(resolved: ResolvedProfile, plans: ReadonlyMap<string, PackPlan>, counter: PieceCounting, shown: string): PackPlan {
  const { profile } = resolved;
  const parts: PlannedPart[] = (resolved.parts ?? []).map((part) => {
    if (part.kind === "file") {
      const { file, path, text, sha256: hash } = part;
      return { kind: "file", file, path, text, sha256: hash, tokens: countWhole(counter, text, hash) };
    }
    const plan = plans.get(part.name);
    if (!plan) throw new Error(`part profile ${part.name} was not planned before ${profile.name}`);
    const tokens = plan.profile.encoding === counter.encoding ? plan.tokens : countWhole(counter, plan.text, plan.sha256);
    return { kind: "profile", plan, tokens };
  });
  const texts = parts.map((part) => (part.kind === "profile" ? part.plan.text : part.text));
  const { text } = renderComposed(profile, texts);
  const { head, joiner, tail } = fileFrame({ ...profile, finalNewline: false });
  const chunks: Chunk[] = [joinSegments(head)];
  parts.forEach((part, index) => {
    if (index > 0) chunks.push(joiner.text);
    chunks.push({ text: texts[index] ?? "", tokens: part.tokens });
  });
  chunks.push(joinSegments(tail));
  // The final newline renderComposed added, if it added one.
  const framed = chunks.reduce((length, chunk) => length + (typeof chunk === "string" ? chunk : chunk.text).length, 0);
  if (text.length > framed) chunks.push("\n");
  const tokens = countChunks(counter, chunks);
  if (profile.budget !== undefined && tokens > profile.budget) {
    throw new InputError([
      {
        file: shown,
        line: profile.lines.budget ?? 1,
        message: `the composed output needs ${tokens} tokens, over its budget of ${profile.budget}: its parts are inserted whole, never degraded; raise the budget, or give the part profiles budgets of their own`,
      },
    ]);
  }
  return { profile, sections: [], parts, text, tokens, sha256: sha256(text) };
}

/** The count of a whole text, cached by its hash like any piece. */
function countWhole(counter: PieceCounting, text: string, hash: string): number {
  return counter.piece(toPiece([{ key: `\u0003${hash}`, text }]));
}

/**
 * The exact count of the chunks' concatenation. A known chunk is cut at its
 * first and last place where the encoding always cuts (pack/compose.ts): its
 * middle counts its own count less its two edges', and each edge is counted
 * together with the frame text beside it. A chunk with no such place is
 * counted with its neighbours.
 */
export function countChunks(counter: PieceCounting, chunks: readonly Chunk[]): number {
  let total = 0;
  let run = "";
  const count = (text: string) => (text === "" ? 0 : counter.piece(toPiece([literal(text)])));
  for (const chunk of chunks) {
    if (typeof chunk === "string") {
      run += chunk;
      continue;
    }
    const cuts = edgeCuts(counter.encoding, chunk.text);
    if (!cuts) {
      run += chunk.text;
      continue;
    }
    const left = chunk.text.slice(0, cuts.first);
    const right = chunk.text.slice(cuts.last);
    total += count(run + left) + chunk.tokens - count(left) - count(right);
    run = right;
  }
  return total + count(run);
}

/** The first and last places inside `text` (not at its ends) where the encoding always cuts; undefined when there is none. */
export function edgeCuts(encoding: Encoding, text: string): { first: number; last: number } | undefined {
  let first = -1;
  for (let at = 1; at < text.length; at++) {
    if (cutsAt(encoding, text, at)) {
      first = at;
      break;
    }
  }
  if (first === -1) return undefined;
  let last = first;
  for (let at = text.length - 1; at > first; at--) {
    if (cutsAt(encoding, text, at)) {
      last = at;
      break;
    }
  }
  return { first, last };
}

function cutsAt(encoding: Encoding, text: string, at: number): boolean {
  return canCut(encoding, text.charAt(at - 1), text.charAt(at));
}
