import { readFileSync } from "node:fs";
import path from "node:path";
import { sha256 } from "../hash.js";
import type { Issue, Layout, Profile, ResolvedPart } from "../model.js";
import { displayPath } from "./layout.js";
import { MANIFEST_NAME } from "./load-manifest.js";
import { describeRun, findLongRun } from "./long-runs.js";
import { countNewlines, decodeUtf8 } from "./read-text.js";

/**
 * Every problem with the parts of the composed profiles among `profiles`
 * (all loaded profiles, parts included): a part naming no profile, an index,
 * the profile itself, or a cycle of parts; a file part that is an output.
 */
export function partIssues(profiles: readonly Profile[], layout: Layout, existing: ReadonlySet<string>): Issue[] {
  const byName = new Map(profiles.map((profile) => [profile.name, profile]));
  const outputs = new Map(profiles.map((profile) => [path.join(layout.outDir, profile.output), profile.name]));
  const issues: Issue[] = [];
  for (const profile of profiles) {
    const shown = displayPath(layout, profile.file);
    for (const [index, part] of (profile.parts ?? []).entries()) {
      const where = `parts[${index}]`;
      if (part.kind === "file") {
        const target = path.join(layout.root, part.file);
        const writer = outputs.get(target);
        if (writer !== undefined || target === path.join(layout.outDir, MANIFEST_NAME)) {
          const what = writer === undefined ? "the build manifest" : writer === profile.name ? "this profile's own output" : `the output of profile '${writer}'`;
          issues.push({ file: shown, line: part.line, message: `${where}.file '${part.file}' is ${what}, which a build writes: a file part is a hand-maintained file${writer !== undefined && writer !== profile.name ? ` (use { profile: ${writer} } to include that output)` : ""}` });
        }
        continue;
      }
      const named = byName.get(part.name);
      if (part.name === profile.name) {
        issues.push({ file: shown, line: part.line, message: `${where}.profile '${part.name}' is this profile itself: a composed output cannot contain itself` });
      } else if (!named && !existing.has(part.name)) {
        issues.push({ file: shown, line: part.line, message: `${where}.profile: no profile named '${part.name}' in ${displayPath(layout, layout.profilesDir)}${existing.size > 0 ? ` (there are: ${[...existing].join(", ")})` : ""}` });
      } else if (named?.index) {
        issues.push({ file: shown, line: part.line, message: `${where}.profile '${part.name}' is an index (llms.txt): an index lists outputs, so it cannot be part of one; list this output in the index instead` });
      }
    }
  }
  for (const cycle of partCycles(profiles)) {
    const first = cycle[0];
    if (!first) continue;
    const profile = byName.get(first);
    const index = profile?.parts?.findIndex((part) => part.kind === "profile" && part.name === cycle[1]) ?? -1;
    issues.push({
      file: profile ? displayPath(layout, profile.file) : first,
      line: profile?.parts?.[index]?.line ?? 1,
      message: `parts[${index}]: the parts form a cycle (${cycle.join(" → ")}): a composed output cannot contain itself; remove one of these parts`,
    });
  }
  return issues;
}

/** Each cycle of profile parts once, as the names along it (first name repeated at the end), from its smallest name. */
function partCycles(profiles: readonly Profile[]): string[][] {
  const edges = new Map(profiles.map((profile) => [profile.name, (profile.parts ?? []).flatMap((part) => (part.kind === "profile" && part.name !== profile.name ? [part.name] : []))]));
  const state = new Map<string, "open" | "done">();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const trail: string[] = [];
  // Iterative depth-first search: a deep chain of parts cannot overflow the stack.
  for (const start of [...edges.keys()].sort()) {
    if (state.has(start)) continue;
    const stack: { name: string; next: number }[] = [{ name: start, next: 0 }];
    state.set(start, "open");
    trail.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const targets = edges.get(top.name) ?? [];
      const target = targets[top.next++];
      if (target === undefined) {
        state.set(top.name, "done");
        stack.pop();
        trail.pop();
        continue;
      }
      if (state.get(target) === "open") {
        const cycle = trail.slice(trail.indexOf(target));
        const rotated = rotateToSmallest(cycle);
        const key = rotated.join("\n");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0] ?? target]);
        }
      } else if (!state.has(target) && edges.has(target)) {
        state.set(target, "open");
        trail.push(target);
        stack.push({ name: target, next: 0 });
      }
    }
  }
  return cycles;
}

function rotateToSmallest(cycle: readonly string[]): string[] {
  let best = 0;
  cycle.forEach((name, index) => {
    if (name < (cycle[best] ?? name)) best = index;
  });
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}

/**
 * Reads a composed profile's file parts, exactly: UTF-8 with LF line ends
 * and no byte order mark (a part is inserted as its bytes, and adopt writes
 * edits back as bytes, so text that would be normalised is refused instead),
 * not empty, and free of runs tiktoken would keep whole.
 */
export function resolveParts(profile: Profile, layout: Layout): { parts: ResolvedPart[]; issues: Issue[] } {
  const shown = displayPath(layout, profile.file);
  const parts: ResolvedPart[] = [];
  const issues: Issue[] = [];
  for (const [index, part] of (profile.parts ?? []).entries()) {
    if (part.kind === "profile") {
      parts.push({ kind: "profile", name: part.name, line: part.line });
      continue;
    }
    const where = `parts[${index}].file '${part.file}'`;
    const file = path.join(layout.root, part.file);
    const raw = readFileSync(file);
    const decoded = decodeUtf8(raw, part.file);
    if (typeof decoded !== "string") {
      issues.push(decoded.issue);
      continue;
    }
    const problem = partTextProblem(decoded);
    if (problem) {
      issues.push({ file: part.file, line: problem.line, message: `${problem.message} (it is ${where} of ${shown})` });
      continue;
    }
    parts.push({ kind: "file", file: part.file, path: file, text: decoded, sha256: sha256(raw), line: part.line });
  }
  return { parts, issues };
}

function partTextProblem(text: string): { line: number; message: string } | undefined {
  if (text.startsWith("\uFEFF")) return { line: 1, message: "the file starts with a byte order mark: a part is inserted byte for byte, so save it as UTF-8 without one" };
  const cr = text.indexOf("\r");
  if (cr !== -1) return { line: lineOf(text, cr), message: "the file has CR or CRLF line ends: a part is inserted byte for byte, so convert it to LF line ends" };
  if (text.trim() === "") return { line: 1, message: "the file is empty: a part needs text (or remove it from the profile's parts)" };
  const run = findLongRun(text);
  if (run) return { line: lineOf(text, run.start), message: describeRun(run) };
  return undefined;
}

function lineOf(text: string, offset: number): number {
  return countNewlines(text.slice(0, offset)) + 1;
}
