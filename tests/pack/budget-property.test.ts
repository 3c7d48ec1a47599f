import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { Atom, AtomState, PackPlan, ResolvedProfile } from "../../src/model.js";
import { packProfile } from "../../src/pack/pack-profile.js";
import { Tokenizers } from "../../src/pack/tokenizer.js";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

// A fresh encoder, apart from the packer's memoising counter: every count here is encode_ordinary of a whole text.
const encoder = get_encoding("o200k_base");
const ordinary = (text: string): number => encoder.encode_ordinary(text).length;
const tokenizers = new Tokenizers();
const count = tokenizers.counter("o200k_base");
afterAll(() => {
  tokenizers.free();
  encoder.free();
});

// ---- random corpora --------------------------------------------------------

interface CaseAtom {
  text: string;
  brief: string;
  priority: number;
  required: boolean;
  section: number;
}

interface CaseSection {
  intro?: string;
  budget?: number;
  required: boolean;
}

interface Case {
  atoms: CaseAtom[];
  sections: CaseSection[];
  budget?: number;
  wrapper?: string;
}

const WORDS = [
  "guard", "label", "policy", "secret", "token", "value", "pipeline", "operation", "denies", "allows", "retry", "audit",
  "the", "a", "of", "to", "every", "before", "after", "when", "`run()`", "$HOME", "{ok: true}", "a->b", "x_1", "42",
  "naïve", "façade", "数据", "—", "(see", "below)", "etc.", "e.g.",
];
const SPECIAL = ["<|endoftext|>", "<|fim_prefix|>"];
const word = fc.oneof({ arbitrary: fc.constantFrom(...WORDS), weight: 30 }, { arbitrary: fc.constantFrom(...SPECIAL), weight: 1 });
const sentence = (maxWords: number) => fc.array(word, { minLength: 1, maxLength: maxWords }).map((words) => words.join(" "));
const markdownLine = fc
  .tuple(fc.constantFrom("", "", "# ", "## ", "- ", "* ", "> ", "1. ", "**Note:** "), sentence(14))
  .map(([lead, words]) => `${lead}${words}`);
const codeLine = fc.constantFrom(
  "const value = guard(input);",
  "if (a && b) { return c; }",
  "  nested(x, y) => x + y;",
  "run --flag=1 <|endoftext|>",
  "@include <|fim_prefix|> path/to/file",
  "<div class=\"x\">text</div>",
  "",
);
const codeBlock = fc
  .tuple(fc.constantFrom("```", "```ts", "```sh", "~~~"), fc.array(codeLine, { minLength: 1, maxLength: 4 }))
  .map(([open, lines]) => `${open}\n${lines.join("\n")}\n${open.slice(0, 3)}`);
const block = fc.oneof(
  { arbitrary: fc.array(markdownLine, { minLength: 1, maxLength: 3 }).map((lines) => lines.join("\n")), weight: 4 },
  { arbitrary: codeBlock, weight: 1 },
);
// Mostly paragraphs and code; sometimes a word or two, shorter than any brief.
const atomText = fc.oneof(
  { arbitrary: fc.array(block, { minLength: 1, maxLength: 4 }).map((blocks) => blocks.join("\n\n")), weight: 4 },
  { arbitrary: sentence(2), weight: 1 },
);
const rarely = fc.integer({ min: 0, max: 5 }).map((n) => n === 0);
const budget = (min: number, max: number) => fc.option(fc.integer({ min, max }), { nil: undefined, freq: 3 });

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    sections: fc.array(
      fc.record({ intro: fc.option(sentence(8), { nil: undefined, freq: 3 }), budget: budget(5, 300), required: rarely }),
      { minLength: 1, maxLength: 4 },
    ),
    atoms: fc.array(
      fc.record({
        text: atomText,
        brief: sentence(10),
        priority: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(0, 50, 100)),
        required: rarely,
        section: fc.nat(),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    budget: budget(10, 900),
    wrapper: fc.option(fc.constant("CONTEXT"), { nil: undefined }),
  })
  .map(({ sections, atoms, budget: fileBudget, wrapper }) => ({
    sections: sections.map(({ intro, budget: sectionBudget, required }) => ({
      required,
      ...(intro === undefined ? {} : { intro }),
      ...(sectionBudget === undefined ? {} : { budget: sectionBudget }),
    })),
    atoms: atoms.map((generated) => ({ ...generated, section: generated.section % sections.length })),
    ...(fileBudget === undefined ? {} : { budget: fileBudget }),
    ...(wrapper === undefined ? {} : { wrapper }),
  }));

const idOf = (index: number): string => `atom-${String(index + 1).padStart(2, "0")}`;
const tagOf = (index: number): string => `PART_${"ABCD"[index]}`;
const isRequired = (c: Case, index: number): boolean => {
  const caseAtom = c.atoms[index] as CaseAtom;
  return caseAtom.required || (c.sections[caseAtom.section] as CaseSection).required;
};
/** Atom indexes in file order: section by section, generated order within. */
const fileOrder = (c: Case): number[][] => c.sections.map((_, s) => c.atoms.flatMap((caseAtom, index) => (caseAtom.section === s ? [index] : [])));

// ---- an independent reading of the grammar and the budget rules ----------------

interface Rendered {
  sections: (string | null)[];
  text: string;
}

/** The output grammar, for atoms in the given states (indexed like c.atoms). */
function render(c: Case, states: readonly AtomState[]): Rendered {
  const sections = fileOrder(c).map((indexes, s) => {
    const texts = indexes.flatMap((index) => {
      const caseAtom = c.atoms[index] as CaseAtom;
      const state = states[index];
      return state === "dropped" ? [] : [state === "full" ? caseAtom.text : caseAtom.brief];
    });
    if (texts.length === 0) return null;
    const intro = c.sections[s]?.intro;
    return `<${tagOf(s)}>\n${intro === undefined ? "" : `${intro}\n\n`}${texts.join("\n\n")}\n</${tagOf(s)}>`;
  });
  const body = sections.filter((text) => text !== null).join("\n\n");
  return { sections, text: c.wrapper === undefined ? `${body}\n` : `<${c.wrapper}>\n\n${body}\n\n</${c.wrapper}>\n` };
}

/** The budget rules, steps 1–3: the state of every atom after the section walks and the file walk. */
function referenceStates(c: Case): AtomState[] {
  const states: AtomState[] = c.atoms.map(() => "full");
  const position = fileOrder(c).flat();
  const candidates = position
    .filter((index) => !isRequired(c, index))
    .sort((x, y) => (c.atoms[x] as CaseAtom).priority - (c.atoms[y] as CaseAtom).priority || position.indexOf(y) - position.indexOf(x));
  const walk = (pool: readonly number[], fits: () => boolean): void => {
    for (const state of ["brief", "dropped"] as const) {
      for (const index of pool) {
        if (fits()) return;
        if (states[index] === "dropped" || states[index] === state) continue;
        const section = c.atoms[index]?.section as number;
        const before = ordinary(render(c, states).sections[section] ?? "");
        states[index] = state;
        // A brief that makes its section longer is not used: the atom stays full until the drops.
        if (state === "brief" && ordinary(render(c, states).sections[section] ?? "") > before) states[index] = "full";
      }
    }
  };
  c.sections.forEach((section, s) => {
    const sectionBudget = section.budget;
    if (sectionBudget === undefined) return;
    walk(
      candidates.filter((index) => c.atoms[index]?.section === s),
      () => ordinary(render(c, states).sections[s] ?? "") <= sectionBudget,
    );
  });
  const fileBudget = c.budget;
  if (fileBudget !== undefined) walk(candidates, () => ordinary(render(c, states).text) <= fileBudget);
  return states;
}

/** The lines a profile puts its budgets on, as the unit profile and the written YAML both say. */
interface BudgetLines {
  file: number | undefined;
  sections: (number | undefined)[];
}

/**
 * What the budget rules say when the build must fail, worked out from the required
 * content alone (every other atom dropped): the section and file budgets it
 * exceeds, or, with no required content at all, that every section is left out.
 */
function refusal(c: Case, shown: string, lines: BudgetLines): string {
  const requiredOnly = render(
    c,
    c.atoms.map((_, index) => (isRequired(c, index) ? "full" : "dropped")),
  );
  const messages: string[] = [];
  c.sections.forEach((section, s) => {
    const needed = ordinary(requiredOnly.sections[s] ?? "");
    if (section.budget !== undefined && needed > section.budget) {
      messages.push(
        `${shown}:${lines.sections[s]}: section ${tagOf(s)} needs ${needed} tokens for its required content, over its budget of ${section.budget}: raise the budget or make fewer of its atoms required`,
      );
    }
  });
  const needed = ordinary(requiredOnly.text);
  if (c.budget !== undefined && needed > c.budget) {
    messages.push(`${shown}:${lines.file}: the file needs ${needed} tokens for its required content, over its budget of ${c.budget}: raise the budget or make fewer atoms required`);
  } else if (requiredOnly.sections.every((text) => text === null)) {
    messages.push(`${shown}:${lines.file ?? 1}: every section would be left out under these budgets: raise a budget or mark an atom required`);
  }
  return messages.join("\n");
}

// ---- property 1: packProfile ----------------------------------------------

const UNIT_LINES: BudgetLines = { file: 2, sections: [11, 12, 13, 14] };

function resolvedOf(c: Case): ResolvedProfile {
  const atoms: Atom[] = c.atoms.map((caseAtom, index) => ({
    id: idOf(index),
    title: `Atom ${index + 1}`,
    brief: caseAtom.brief,
    tag: "UNUSED",
    priority: caseAtom.priority,
    required: caseAtom.required,
    related: [],
    path: `${idOf(index)}.md`,
    text: caseAtom.text,
    sha256: "0".repeat(64),
    bodyLine: 7,
  }));
  const lines: Record<string, number> = { budget: UNIT_LINES.file as number };
  UNIT_LINES.sections.forEach((line, s) => (lines[`sections[${s}].budget`] = line as number));
  return {
    profile: {
      name: "bundle",
      file: "/project/profiles/bundle.yaml",
      output: "llms-bundle.txt",
      encoding: "o200k_base",
      lines,
      ...(c.budget === undefined ? {} : { budget: c.budget }),
      ...(c.wrapper === undefined ? {} : { wrapper: c.wrapper }),
    },
    sections: fileOrder(c).map((indexes, s) => {
      const section = c.sections[s] as CaseSection;
      return {
        tag: tagOf(s),
        required: section.required,
        atoms: indexes.map((index) => atoms[index] as Atom),
        line: 10 + s,
        ...(section.intro === undefined ? {} : { intro: section.intro }),
        ...(section.budget === undefined ? {} : { budget: section.budget }),
      };
    }),
  };
}

/** The plan's states, indexed like c.atoms. */
function planStates(c: Case, plan: PackPlan): AtomState[] {
  const states: AtomState[] = c.atoms.map(() => "full");
  for (const planned of plan.sections.flatMap((section) => section.atoms)) states[Number(planned.atom.id.slice(5)) - 1] = planned.state;
  return states;
}

function checkPack(c: Case): void {
  const shown = "profiles/bundle.yaml";
  let plan: PackPlan;
  try {
    plan = packProfile(resolvedOf(c), count, shown);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(refusal(c, shown, UNIT_LINES));
    return;
  }
  const states = planStates(c, plan);
  expect(states).toEqual(referenceStates(c));
  expect(plan.text).toBe(render(c, states).text);
  expect(plan.tokens).toBe(ordinary(plan.text));
  if (c.budget !== undefined) expect(plan.tokens).toBeLessThanOrEqual(c.budget);
  plan.sections.forEach((section, s) => {
    expect(section.tokens).toBe(section.text === null ? 0 : ordinary(section.text));
    const sectionBudget = c.sections[s]?.budget;
    if (sectionBudget !== undefined) expect(section.tokens).toBeLessThanOrEqual(sectionBudget);
  });
  expect(plan.sections.some((section) => section.text !== null)).toBe(true);
  c.atoms.forEach((caseAtom, index) => {
    if (!isRequired(c, index)) return;
    expect(states[index]).toBe("full");
    expect(plan.text.includes(caseAtom.text)).toBe(true);
  });
}

describe("budget properties of packProfile", () => {
  it("300 random profiles: the plan's count is exact, within every budget, required atoms in full and verbatim, states as the budget rules walk them; or the refusal names the required content's exact count over a budget", () => {
    fc.assert(fc.property(caseArb, checkPack), { seed: 42, numRuns: 300 });
  });
});

// ---- property 2: llmsgen build --------------------------------------------

interface WrittenProject {
  files: Record<string, string>;
  lines: BudgetLines;
}

/** The case as atom files and one profile, noting the line of every budget key. */
function projectOf(c: Case): WrittenProject {
  const files: Record<string, string> = {};
  c.atoms.forEach((caseAtom, index) => {
    const fields: Record<string, string | number | boolean> = { id: idOf(index), title: `Atom ${index + 1}`, brief: caseAtom.brief, priority: caseAtom.priority };
    if (caseAtom.required) fields.required = true;
    files[`atoms/${idOf(index)}.md`] = atom(fields, caseAtom.text);
  });
  const yaml = ["output: llms-bundle.txt"];
  const lines: BudgetLines = { file: undefined, sections: [] };
  if (c.wrapper !== undefined) yaml.push(`wrapper: ${c.wrapper}`);
  if (c.budget !== undefined) {
    yaml.push(`budget: ${c.budget}`);
    lines.file = yaml.length;
  }
  yaml.push("sections:");
  fileOrder(c).forEach((indexes, s) => {
    const section = c.sections[s] as CaseSection;
    yaml.push(`  - tag: ${tagOf(s)}`);
    if (section.intro !== undefined) yaml.push(`    intro: ${JSON.stringify(section.intro)}`);
    yaml.push(`    atoms: [${indexes.map(idOf).join(", ")}]`);
    if (section.budget !== undefined) {
      yaml.push(`    budget: ${section.budget}`);
      lines.sections[s] = yaml.length;
    }
    if (section.required) yaml.push("    required: true");
  });
  files["profiles/bundle.yaml"] = `${yaml.join("\n")}\n`;
  return { files, lines };
}

async function checkBuild(c: Case): Promise<void> {
  const { files, lines } = projectOf(c);
  const project = makeProject(files);
  const before = snapshotTree(project);

  const run = await runCli(["build"], { cwd: project });

  if (run.code === 2) {
    expect(run.stderr).toBe(`${refusal(c, "profiles/bundle.yaml", lines)}\n`);
    expect(run.stdout).toBe("");
    expect(snapshotTree(project)).toEqual(before);
    return;
  }
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const written = readFileSync(path.join(project, "out/llms-bundle.txt"), "utf8");
  expect(written).toBe(render(c, referenceStates(c)).text);
  if (c.budget !== undefined) expect(ordinary(written)).toBeLessThanOrEqual(c.budget);
  c.sections.forEach((section, s) => {
    const open = written.indexOf(`<${tagOf(s)}>\n`);
    if (section.budget === undefined || open === -1) return;
    const close = `\n</${tagOf(s)}>`;
    expect(ordinary(written.slice(open, written.indexOf(close, open) + close.length))).toBeLessThanOrEqual(section.budget);
  });
  c.atoms.forEach((caseAtom, index) => {
    if (isRequired(c, index)) expect(written.includes(caseAtom.text)).toBe(true);
  });
}

describe("budget properties of llmsgen build", () => {
  it("40 random projects: build exits 0 with an output whose exact count is within its budgets, or exits 2 with the refusal on stderr and nothing written", async () => {
    await fc.assert(fc.asyncProperty(caseArb, checkBuild), { seed: 42, numRuns: 40 });
  }, 120_000);
});

describe("a brief longer than its text", () => {
  // Seed 36 once shrank to this case: the file walk briefed atom-02 (priority 0),
  // whose brief is longer than its text, pushing PART_B past the 12 tokens its
  // section walk had met, and the build was refused with a false "required
  // content" message. Such a brief is now not used; the plan fits both budgets.
  const seed36: Case = {
    sections: [{ required: true }, { required: false, intro: "guard", budget: 12 }, { required: false, intro: "guard" }, { required: true }],
    atoms: [
      { text: "<|endoftext|> guard", brief: "guard", priority: 1, required: false, section: 2 },
      { text: "guard", brief: "{ok: true}", priority: 0, required: false, section: 1 },
      { text: "guard", brief: "guard", priority: 0, required: true, section: 0 },
    ],
    budget: 45,
    wrapper: "CONTEXT",
  };

  it("the seed 36 counterexample: a plan within every budget, or a refusal that is true", () => {
    checkPack(seed36);
  });
});
