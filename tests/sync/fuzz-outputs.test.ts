import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveLayout } from "../../src/load/layout.js";
import { FINDING_KINDS, type OutputToCheck } from "../../src/model.js";
import { outputsToCheck, plannedOutputs } from "../../src/outputs-to-check.js";
import { checkOutput } from "../../src/sync/check-outputs.js";
import { atom, makeProject, runCli, loadAndPlan } from "../helpers.js";

// Fuzzed and hostile outputs: parse + classify never throws, returns in bounded time, and every file
// that differs from what a build writes gets at least one finding.

/** A hang detector, not a speed target (those live in the benchmark): the slowest case here takes milliseconds. */
const BOUND_MS = 5_000;

let output: OutputToCheck;

beforeAll(async () => {
  const project = makeProject({
    "atoms/keys.md": atom({ id: "keys", title: "Keys", brief: "Keys." }, "Keys rotate.\n\n```text\n<AUDIT>\n```"),
    "atoms/audit.md": atom({ id: "audit", title: "Audit", brief: "Audit." }, "Changes are logged."),
    "atoms/other.md": atom({ id: "other", title: "Other", brief: "Other.", tag: "OTHER" }, "Not in the profile."),
    "profiles/p.yaml": "output: p.txt\nwrapper: W\nsections:\n  - tag: KEYS\n    intro: Read first.\n    atoms: [keys]\n  - tag: AUDIT\n    atoms: [audit]\n",
  });
  expect((await runCli(["build"], { cwd: project })).code).toBe(0);
  const { project: loaded, plan } = loadAndPlan(resolveLayout({ root: project }));
  const [first] = outputsToCheck(loaded, plannedOutputs(plan), plan.texts, { compareAll: true });
  if (!first) throw new Error("the fixture has one output");
  output = first;
});

const TAGS = ["W", "KEYS", "AUDIT", "OTHER", "NEW", "A"];
const line = fc.oneof(
  { arbitrary: fc.constantFrom(...TAGS).map((tag) => `<${tag}>`), weight: 4 },
  { arbitrary: fc.constantFrom(...TAGS).map((tag) => `</${tag}>`), weight: 4 },
  { arbitrary: fc.constantFrom("", "", "Keys rotate.", "Read first.", "Changes are logged.", "text", "  ", "\t"), weight: 4 },
  { arbitrary: fc.constantFrom("```", "```text", "~~~", "````", "   ```", "``` a`b"), weight: 2 },
  { arbitrary: fc.constantFrom("<keys>", "<Keys>", "< KEYS>", "<KEYS> ", "<KEYS>\r", "\uFEFF<W>", "</W>\r", "<A_1>", "</>", "<>"), weight: 2 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);
/** A run of the same hostile pattern, repeated: deep nesting, many unopened closes, many duplicate blocks. */
const hostile = fc
  .tuple(fc.constantFrom("nest", "close", "duplicate", "fence", "open-close"), fc.integer({ min: 1, max: 4_000 }))
  .map(([kind, count]) => {
    switch (kind) {
      case "nest":
        return Array.from({ length: count }, (_, index) => `<T${index}>`);
      case "close":
        return new Array<string>(count).fill("</A>");
      case "duplicate":
        return Array.from({ length: count }, () => ["<A>", "x", "</A>", ""]).flat();
      case "fence":
        return ["<A>", ...new Array<string>(count).fill("```"), "</A>"];
      default:
        return Array.from({ length: count }, (_, index) => (index % 2 === 0 ? "<A>" : "</B>"));
    }
  });
const file = fc
  .tuple(
    fc.array(fc.oneof({ arbitrary: line.map((text) => [text]), weight: 200 }, { arbitrary: hostile, weight: 1 }), { maxLength: 60 }),
    fc.constantFrom("\n", "\n", "\r\n"),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([chunks, eol, finalNewline, bom]) => `${bom ? "\uFEFF" : ""}${chunks.flat().join(eol)}${finalNewline ? eol : ""}`);

describe("fuzzed outputs", () => {
  it("1,000 random and hostile files: classification never throws, stays within its bound, and every file unlike the build has a finding", () => {
    let differing = 0;
    let largest = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: file, weight: 9 }, { arbitrary: fc.constant(output.expected), weight: 1 }), (text) => {
        const started = performance.now();
        const findings = checkOutput({ ...output, actual: text }).findings;
        const elapsed = performance.now() - started;
        largest = Math.max(largest, text.length);
        const lines = text.split("\n").length;
        expect(elapsed, `${lines} lines`).toBeLessThan(BOUND_MS);
        if (text === output.expected) {
          expect(findings).toEqual([]);
          return;
        }
        differing++;
        expect(findings.length, JSON.stringify(text.slice(0, 400))).toBeGreaterThan(0);
        for (const finding of findings) {
          expect(FINDING_KINDS).toContain(finding.kind);
          expect(finding.file).toBe("out/p.txt");
          expect(finding.line >= 1 && finding.line <= lines + 1, `${finding.kind} at line ${finding.line} of ${lines}`).toBe(true);
        }
      }),
      { seed: 9001, numRuns: 1000 },
    );
    expect({ differingAtLeast850: differing >= 850, sawALargeFile: largest > 20_000 }).toEqual({ differingAtLeast850: true, sawALargeFile: true });
  });

  it("150,000 unopened close lines, 500,000 duplicate blocks and 50,000 nested open tags give findings, not a crash: the first 1,000 problems and one that counts the rest", () => {
    const closes = "</A>\n".repeat(150_000);
    const duplicates = "<A>\nx\n</A>\n\n".repeat(500_000);
    const nested = Array.from({ length: 50_000 }, (_, index) => `<T${index}>\n`).join("");
    const summaries = [closes, duplicates, nested].map((text) => {
      const malformed = checkOutput({ ...output, actual: text }).findings.filter((finding) => finding.kind === "malformed");
      return { listed: malformed.length, last: malformed.find((finding) => finding.message.startsWith("and "))?.message };
    });
    // One problem per unopened close; one per duplicate after the first; one per nested open, and one per tag
    // never closed among the 1,000 tracked (deeper opens are counted, not tracked).
    expect(summaries).toEqual([
      { listed: 1_001, last: "and 149,000 more structure problems from line 1001 on, not listed one by one: fix the ones above and check again" },
      { listed: 1_001, last: "and 498,999 more structure problems from line 4005 on, not listed one by one: fix the ones above and check again" },
      { listed: 1_001, last: "and 49,999 more structure problems from line 1 on, not listed one by one: fix the ones above and check again" },
    ]);
  });
});
