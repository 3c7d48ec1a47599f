import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveLayout } from "../../src/load/layout.js";
import { partText, type Finding, type OutputToCheck, type PlannedPart } from "../../src/model.js";
import { outputsToCheck, plannedOutputs } from "../../src/outputs-to-check.js";
import { checkOutput, fileCheck, handWritten } from "../../src/sync/check-outputs.js";
import { runCli, snapshotTree, loadAndPlan } from "../helpers.js";
import { builtTree, COMBINED } from "./composed-fixture.js";

/**
 * Every single-line edit anywhere in the docs-tree fixture's combined output
 * (replace, delete, insert, at every line), and 300 random ones: each is
 * reported, attributed to the part whose lines it touches (or to the frame
 * as stray), and refused by build.
 */

let project: string;
let output: OutputToCheck;
let lines: string[];
/** Per expected line: the index of the part it belongs to, or -1 for the frame (wrapper, blank lines between parts). */
let owners: number[];
let parts: readonly PlannedPart[];

beforeAll(async () => {
  project = await builtTree();
  const { project: loaded, plan } = loadAndPlan(resolveLayout({ root: project, atoms: path.join(project, "docs/topics"), profiles: path.join(project, "docs/profiles"), out: path.join(project, "public/llm"), cache: false }));
  const found = outputsToCheck(loaded, plannedOutputs(plan), plan.texts, { compareAll: true }).find((candidate) => candidate.file === COMBINED);
  if (!found) throw new Error("no combined output");
  output = found;
  parts = output.parts ?? [];
  const text = readFileSync(path.join(project, COMBINED), "utf8");
  expect(output.expected).toBe(text);
  lines = text.slice(0, -1).split("\n");
  // Each part's lines, found by searching its exact text in order (independent of how the check lays them out).
  owners = lines.map(() => -1);
  let offset = 0;
  parts.forEach((part, index) => {
    const at = text.indexOf(partText(part), offset);
    const first = text.slice(0, at).split("\n").length - 1;
    const count = partText(part).replace(/\n$/, "").split("\n").length;
    for (let line = first; line < first + count; line++) owners[line] = index;
    offset = at + partText(part).length;
  });
}, 60_000);

type Edit = { kind: "replace" | "delete" | "insert"; line: number; text: string };

function apply(edit: Edit): string {
  const copy = [...lines];
  if (edit.kind === "replace") copy[edit.line] = edit.text;
  else if (edit.kind === "delete") copy.splice(edit.line, 1);
  else copy.splice(edit.line + 1, 0, edit.text);
  return `${copy.join("\n")}\n`;
}

/** A hand-maintained file, or an output without a wrapper, owns text written right beside it. */
const isOpen = (index: number) => {
  const part = parts[index];
  return part !== undefined && (part.kind === "file" || part.plan.profile.wrapper === undefined);
};

/** Where the rules of the check put an edit of a unique line: see src/sync/align-regions.ts. */
function expectedOwner(edit: Edit): number {
  if (edit.kind === "replace") return owners[edit.line] ?? -1;
  if (edit.kind === "delete") {
    // A deleted line among equal lines is taken as the first of them.
    let line = edit.line;
    while (line > 0 && lines[line - 1] === lines[edit.line]) line--;
    return owners[line] ?? -1;
  }
  const before = edit.line >= 0 ? owners[edit.line] : undefined;
  const after = owners[edit.line + 1];
  if (before !== undefined && before === after) return before;
  if (before !== undefined && isOpen(before)) return before;
  if (after !== undefined && isOpen(after)) return after;
  return -1;
}

function refOf(index: number): Finding["part"] {
  const part = parts[index];
  if (!part) return undefined;
  return part.kind === "file" ? { file: part.file } : { profile: part.plan.profile.name };
}

function everySingleEdit(): Edit[] {
  const edits: Edit[] = [{ kind: "insert", line: -1, text: "EDIT before everything" }];
  lines.forEach((_, line) => {
    edits.push({ kind: "replace", line, text: `EDIT replacing line ${line + 1}` });
    edits.push({ kind: "delete", line, text: "" });
    edits.push({ kind: "insert", line, text: `EDIT after line ${line + 1}` });
  });
  return edits;
}

describe("single edits anywhere in a composed output", () => {
  it("are each reported, attributed to the part they touch, and refused by build (every line, every kind)", () => {
    const edits = everySingleEdit();
    expect(edits.length).toBe(3 * 73 + 1);
    const counts = { frame: 0, file: 0, profile: 0 };
    for (const edit of edits) {
      const checked = checkOutput({ ...output, actual: apply(edit) });
      const where = `${edit.kind} at line ${edit.line + 1}`;
      expect(checked.findings.length, where).toBeGreaterThan(0);
      expect(handWritten([fileCheck(checked)]).length, where).toBe(1);
      const owner = expectedOwner(edit);
      if (owner === -1) {
        counts.frame++;
        for (const finding of checked.findings) expect({ kind: finding.kind, part: finding.part }, where).toEqual({ kind: "stray", part: undefined });
        continue;
      }
      const ref = refOf(owner);
      for (const finding of checked.findings) expect(finding.part, where).toEqual(ref);
      if (parts[owner]?.kind === "file") {
        counts.file++;
        expect(checked.findings.map((finding) => finding.kind), where).toEqual(["edited"]);
        if (edit.kind !== "delete") expect(checked.findings[0]?.diff, where).toContain(`\n+${edit.text}\n`);
        if (edit.kind === "replace") expect(checked.findings[0]?.line, where).toBe(edit.line + 1);
      } else {
        counts.profile++;
        for (const finding of checked.findings) expect(finding.message.startsWith(`part ${parts[owner]?.kind === "profile" ? parts[owner].plan.profile.name : ""}: `), where).toBe(true);
      }
    }
    // Edits of every kind of region were made: the frame, hand-maintained files, profile outputs.
    expect(Object.values(counts).every((count) => count > 0)).toBe(true);
    expect(counts.frame + counts.file + counts.profile).toBe(edits.length);
  });

  it("give each part the line of the file where it starts, after the lines an edit added", () => {
    const starts = parts.map((_, index) => owners.indexOf(index) + 1);
    const inside = parts.findIndex((_, index) => owners.filter((owner) => owner === index).length >= 2);
    expect(inside).toBeGreaterThanOrEqual(0);
    const replaced = checkOutput({ ...output, actual: apply({ kind: "replace", line: owners.indexOf(inside), text: "Written by hand." }) });
    expect(replaced.parts?.map((part) => part.line)).toEqual(starts);
    const inserted = checkOutput({ ...output, actual: apply({ kind: "insert", line: owners.indexOf(inside), text: "Written by hand." }) });
    expect(inserted.parts?.map((part) => part.line)).toEqual(starts.map((line, index) => (index > inside ? line + 1 : line)));
  });

  it("are each reported and refused, and name only real parts, for 300 random edits of tricky lines", () => {
    const refs = parts.map((_, index) => JSON.stringify(refOf(index)));
    const tricky = fc.constantFrom("", " ", "<TASKS>", "</TASKS>", "</TERN_TASKS>", "<TERN_DOCS>", "```", "~~~", "## FAQ", "<NEW_SECTION>", "</HOOKS>", "\t", "text");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 72 }), fc.constantFrom("replace", "delete", "insert"), tricky, (line, kind, text) => {
        const edited = apply({ kind, line, text });
        fc.pre(edited !== output.expected);
        const checked = checkOutput({ ...output, actual: edited });
        expect(checked.findings.length).toBeGreaterThan(0);
        expect(handWritten([fileCheck(checked)])).toHaveLength(1);
        for (const finding of checked.findings) {
          if (finding.part === undefined) expect(finding.kind).toBe("stray");
          else expect(refs).toContain(JSON.stringify(finding.part));
          expect(finding.line).toBeGreaterThanOrEqual(1);
          expect(finding.line).toBeLessThanOrEqual(edited.split("\n").length);
        }
      }),
      { seed: 41, numRuns: 300 },
    );
  });

  it("build refuses to overwrite them: a sample of every twentieth edit, run through the CLI", async () => {
    // The temp project of beforeAll is gone after the first test: a fresh one.
    const fresh = await builtTree();
    const file = path.join(fresh, COMBINED);
    const original = readFileSync(file, "utf8");
    const sample = everySingleEdit().filter((_, index) => index % 20 === 0);
    for (const edit of sample) {
      writeFileSync(file, apply(edit));
      const before = snapshotTree(fresh);
      const run = await runCli(["build"], { cwd: fresh });
      expect(run.code, `${edit.kind} at line ${edit.line + 1}`).toBe(1);
      expect(snapshotTree(fresh)).toEqual(before);
    }
    writeFileSync(file, original);
    expect((await runCli(["sync-check"], { cwd: fresh })).code).toBe(0);
  }, 60_000);
});
