import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { Atom, PackPlan, ResolvedProfile } from "../../src/model.js";
import { packTraced, type WalkTrace } from "../../src/pack/pack-profile.js";
import { PieceCounter } from "../../src/pack/piece-counter.js";
import { planShape, resumeFrom, summarizePlan } from "../../src/pack/plan-cache.js";
import { Tokenizers } from "../../src/pack/tokenizer.js";

const tokenizers = new Tokenizers();
afterAll(() => tokenizers.free());

interface CaseAtom {
  text: string;
  brief: string;
  priority: number;
  required: boolean;
  section: number;
}

interface Case {
  atoms: CaseAtom[];
  sections: { intro?: string; budget?: number; required: boolean }[];
  budget?: number;
  wrapper?: string;
  encoding: "o200k_base" | "gpt2";
}

const WORDS = ["guard", "label", "policy", "secret", "the", "a", "of", "every", "`run()`", "$HOME", "{ok: true}", "x_1", "42", "naïve", "数据", "—", "(see", "below)"];
const sentence = (max: number) => fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: max }).map((words) => words.join(" "));
const line = fc.tuple(fc.constantFrom("", "", "# ", "- ", "> ", "**Note:** "), sentence(12)).map(([lead, words]) => `${lead}${words}`);
const code = fc.array(fc.constantFrom("const x = guard(y);", "  nested(a) => a;", "<div>text</div>", ""), { minLength: 1, maxLength: 3 }).map((lines) => `\`\`\`\n${lines.join("\n")}\n\`\`\``);
const block = fc.oneof({ arbitrary: fc.array(line, { minLength: 1, maxLength: 3 }).map((lines) => lines.join("\n")), weight: 4 }, { arbitrary: code, weight: 1 });
// Mostly paragraphs; sometimes text that starts or ends where the encoding does not always cut (a section that is not "simple").
const atomText = fc.oneof(
  { arbitrary: fc.array(block, { minLength: 1, maxLength: 3 }).map((blocks) => blocks.join("\n\n")), weight: 5 },
  { arbitrary: sentence(2), weight: 1 },
  { arbitrary: sentence(4).map((words) => ` ${words} `), weight: 1 },
);
const budget = (min: number, max: number) => fc.option(fc.integer({ min, max }), { nil: undefined, freq: 3 });
const rarely = fc.integer({ min: 0, max: 6 }).map((n) => n === 0);

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    sections: fc.array(fc.record({ intro: fc.option(sentence(6), { nil: undefined, freq: 3 }), budget: budget(5, 250), required: rarely }), { minLength: 1, maxLength: 5 }),
    atoms: fc.array(
      fc.record({ text: atomText, brief: sentence(8), priority: fc.integer({ min: 0, max: 5 }), required: rarely, section: fc.nat() }),
      { minLength: 1, maxLength: 16 },
    ),
    budget: budget(10, 700),
    wrapper: fc.option(fc.constant("CONTEXT"), { nil: undefined }),
    encoding: fc.constantFrom("o200k_base" as const, "gpt2" as const),
  })
  .map((c) => ({
    ...c,
    atoms: c.atoms.map((generated) => ({ ...generated, section: generated.section % c.sections.length })),
    sections: c.sections.map(({ intro, budget: limit, required }) => ({ required, ...(intro === undefined ? {} : { intro }), ...(limit === undefined ? {} : { budget: limit }) })),
    ...(c.budget === undefined ? { budget: undefined } : {}),
    ...(c.wrapper === undefined ? { wrapper: undefined } : {}),
  }));

/** Edits of atoms' text or brief: the shape (places, priorities, required) stays, as for a resumed plan. */
const editsArb = fc.array(fc.record({ atom: fc.nat(), text: fc.option(atomText, { nil: undefined }), brief: fc.option(sentence(8), { nil: undefined }) }), { minLength: 1, maxLength: 4 });

function edited(c: Case, edits: readonly { atom: number; text: string | undefined; brief: string | undefined }[]): Case {
  const atoms = c.atoms.map((caseAtom) => ({ ...caseAtom }));
  for (const edit of edits) {
    const target = atoms[edit.atom % atoms.length] as CaseAtom;
    if (edit.text !== undefined) target.text = edit.text;
    if (edit.brief !== undefined) target.brief = edit.brief;
  }
  return { ...c, atoms };
}

function resolvedOf(c: Case): ResolvedProfile {
  const atoms: Atom[] = c.atoms.map((caseAtom, index) => ({
    id: `atom-${index + 1}`,
    title: `Atom ${index + 1}`,
    brief: caseAtom.brief,
    tag: "UNUSED",
    priority: caseAtom.priority,
    required: caseAtom.required,
    related: [],
    path: `atom-${index + 1}.md`,
    text: caseAtom.text,
    sha256: createHash("sha256").update(`${caseAtom.text}\0${caseAtom.brief}`).digest("hex"),
    bodyLine: 7,
  }));
  return {
    profile: {
      name: "bundle",
      file: "/project/profiles/bundle.yaml",
      output: "bundle.txt",
      encoding: c.encoding,
      lines: {},
      ...(c.budget === undefined ? {} : { budget: c.budget }),
      ...(c.wrapper === undefined ? {} : { wrapper: c.wrapper }),
    },
    sections: c.sections.map((section, s) => ({
      tag: `PART_${s}`,
      required: section.required,
      atoms: c.atoms.flatMap((caseAtom, index) => (caseAtom.section === s ? [atoms[index] as Atom] : [])),
      line: 10 + s,
      ...(section.intro === undefined ? {} : { intro: section.intro }),
      ...(section.budget === undefined ? {} : { budget: section.budget }),
    })),
  };
}

/** Everything a plan decides and says, as plain data. */
function facts(plan: PackPlan) {
  return {
    text: plan.text,
    tokens: plan.tokens,
    sha256: plan.sha256,
    sections: plan.sections.map((section) => ({
      text: section.text,
      tokens: section.tokens,
      sha256: section.sha256,
      atoms: section.atoms.map((planned) => ({ id: planned.atom.id, state: planned.state, tokens: planned.tokens, reason: planned.reason })),
    })),
  };
}

/** The walks' steps; the piece counts a resumed pack carries may include some a full pack never needed. */
const steps = (trace: WalkTrace) => ({ walks: trace.walks, simple: trace.simple });

const pack = (resolved: ResolvedProfile, resume?: Parameters<typeof packTraced>[3]) => {
  try {
    return packTraced(resolved, new PieceCounter(resolved.profile.encoding, tokenizers.counter(resolved.profile.encoding)), "bundle.yaml", resume);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
};

describe("a budget walk resumed from an earlier plan", () => {
  it("1,000 random profiles, each packed, its atoms edited at random, packed again resuming from the first plan: the same plan and trace as a full pack, or the same refusal", () => {
    let resumed = 0;
    fc.assert(
      fc.property(caseArb, editsArb, (c, edits) => {
        const first = pack(resolvedOf(c));
        if (typeof first === "string") return;
        const before = resolvedOf(c);
        const after = resolvedOf(edited(c, edits));
        const shape = planShape(after);
        expect(planShape(before)).toBe(shape);
        const resume = resumeFrom(after, summarizePlan(first.plan, shape, first.trace), shape);
        expect(resume).toBeDefined();
        const full = pack(after);
        const fromEarlier = pack(after, resume);
        if (typeof full === "string" || typeof fromEarlier === "string") {
          expect(fromEarlier).toEqual(full);
          return;
        }
        resumed++;
        expect(facts(fromEarlier.plan)).toEqual(facts(full.plan));
        expect(steps(fromEarlier.trace)).toEqual(steps(full.trace));
      }),
      { seed: 1414, numRuns: 1000 },
    );
    expect(resumed).toBeGreaterThan(500);
  });

  it("replays the steps before the first one an edit can affect instead of measuring them", () => {
    // Thirty atoms in two sections, the file budget forcing briefs; the edited atom is walked last (highest priority).
    const c: Case = {
      encoding: "o200k_base",
      budget: 250,
      sections: [{ required: false }, { required: false }],
      atoms: Array.from({ length: 30 }, (_, index) => ({
        text: `Paragraph ${index} about the guard and the label, told at some length so that its brief is much shorter than the text itself.`,
        brief: `Brief ${index}.`,
        priority: index,
        required: false,
        section: index % 2,
      })),
    };
    const first = pack(resolvedOf(c));
    if (typeof first === "string") throw new Error(first);
    const after = resolvedOf(edited(c, [{ atom: 29, text: "Paragraph 29, shorter now.", brief: undefined }]));
    const shape = planShape(after);
    const resume = resumeFrom(after, summarizePlan(first.plan, shape, first.trace), shape);
    expect(resume?.changed).toEqual(new Set([1]));
    // Counting calls: a full pack measures every step of the walk; a resumed one replays those before the edited atom's.
    class CallCounter extends PieceCounter {
      calls = 0;
      override piece(piece: Parameters<PieceCounter["piece"]>[0]): number {
        this.calls++;
        return super.piece(piece);
      }
    }
    const resumedCounter = new CallCounter("o200k_base", tokenizers.counter("o200k_base"));
    const fullCounter = new CallCounter("o200k_base", tokenizers.counter("o200k_base"));
    const fromEarlier = packTraced(after, resumedCounter, "bundle.yaml", resume);
    const full = packTraced(after, fullCounter, "bundle.yaml");
    expect(facts(fromEarlier.plan)).toEqual(facts(full.plan));
    expect(steps(fromEarlier.trace)).toEqual(steps(full.trace));
    expect((first.trace.walks[0]?.length ?? 0) / 3).toBeGreaterThan(20);
    expect(resumedCounter.calls).toBeLessThan(fullCounter.calls / 2);
  });
});
