import { get_encoding } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { Atom, AtomState, PackPlan, PackReason, ResolvedProfile, ResolvedSection } from "../../src/model.js";
import { packProfile } from "../../src/pack/pack-profile.js";
import { Tokenizers } from "../../src/pack/tokenizer.js";

const tokenizers = new Tokenizers();
const count = tokenizers.counter("o200k_base");
afterAll(() => tokenizers.free());

const SHOWN = "profiles/guide.yaml";

function atomOf(id: string, fields: { text: string; brief: string; priority?: number; required?: boolean }): Atom {
  return {
    id,
    title: id,
    brief: fields.brief,
    tag: id.toUpperCase().replace(/-/g, "_"),
    priority: fields.priority ?? 50,
    required: fields.required ?? false,
    related: [],
    path: `${id}.md`,
    text: fields.text,
    sha256: "0".repeat(64),
    bodyLine: 6,
  };
}

function sectionOf(tag: string, atoms: Atom[], options: { budget?: number; required?: boolean; intro?: string; line?: number } = {}): ResolvedSection {
  return {
    tag,
    required: options.required ?? false,
    atoms,
    line: options.line ?? 5,
    ...(options.intro === undefined ? {} : { intro: options.intro }),
    ...(options.budget === undefined ? {} : { budget: options.budget }),
  };
}

function profileOf(sections: ResolvedSection[], options: { budget?: number; wrapper?: string; lines?: Record<string, number> } = {}): ResolvedProfile {
  return {
    profile: {
      name: "guide",
      file: "/project/profiles/guide.yaml",
      output: "llms-guide.txt",
      encoding: "o200k_base",
      lines: options.lines ?? {},
      ...(options.budget === undefined ? {} : { budget: options.budget }),
      ...(options.wrapper === undefined ? {} : { wrapper: options.wrapper }),
    },
    sections,
  };
}

const pack = (resolved: ResolvedProfile): PackPlan => packProfile(resolved, count, SHOWN);

/** Every atom's id and state, in file order. */
const statesOf = (plan: PackPlan): Record<string, AtomState> =>
  Object.fromEntries(plan.sections.flatMap((section) => section.atoms.map((planned) => [planned.atom.id, planned.state])));

const reasonsOf = (plan: PackPlan): Record<string, PackReason | undefined> =>
  Object.fromEntries(plan.sections.flatMap((section) => section.atoms.map((planned) => [planned.atom.id, planned.reason])));

function packError(resolved: ResolvedProfile): InputError {
  try {
    pack(resolved);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected packProfile to throw an InputError");
}

// Long texts with short briefs, so each brief saves many tokens.
const LONG = {
  labels: "Labels travel with every value that passes through a pipeline, and a guard can read them before the value reaches a tool or a file.",
  policies: "A policy names which labels may flow into which operations, and it is checked again each time a value crosses a boundary.",
  retries: "When a guard denies an operation it may ask the caller to retry with a cleaned value instead of failing the whole run outright.",
  audit: "Every decision a guard makes is written to an audit trail that records the operation, the labels involved and the outcome.",
  secrets: "Secrets are marked at the moment they are read from the environment, so no later step can forget to treat them carefully.",
};

describe("packProfile renders the output grammar", () => {
  it("wraps sections, puts the intro before the atoms, and joins atoms and sections with one blank line", () => {
    const plan = pack(
      profileOf(
        [
          sectionOf("GUARDS", [atomOf("labels", { text: "Label the data.", brief: "Labels." }), atomOf("policies", { text: "Define the policies.\n\n- one\n- two", brief: "Policies." })], {
            intro: "Guards protect data.\nThey run first.",
          }),
          sectionOf("AUDIT", [atomOf("audit", { text: "Read the trail.", brief: "Audit." })]),
        ],
        { wrapper: "MLLD_SECURITY" },
      ),
    );

    expect(plan.text).toBe(
      "<MLLD_SECURITY>\n\n<GUARDS>\nGuards protect data.\nThey run first.\n\nLabel the data.\n\nDefine the policies.\n\n- one\n- two\n</GUARDS>\n\n<AUDIT>\nRead the trail.\n</AUDIT>\n\n</MLLD_SECURITY>\n",
    );
    expect(plan.sections.map((section) => section.text)).toEqual([
      "<GUARDS>\nGuards protect data.\nThey run first.\n\nLabel the data.\n\nDefine the policies.\n\n- one\n- two\n</GUARDS>",
      "<AUDIT>\nRead the trail.\n</AUDIT>",
    ]);
    expect(plan.tokens).toBe(count(plan.text));
    expect(plan.sections.map((section) => section.tokens)).toEqual(plan.sections.map((section) => count(section.text ?? "")));
    // An atom's tokens are what it adds to its section: its text with the line break after it,
    // so the atoms, the tag lines and the intro add up to the section's exact count.
    expect(plan.sections.flatMap((section) => section.atoms.map((planned) => planned.tokens))).toEqual([
      count("Label the data.\n\n"),
      count("Define the policies.\n\n- one\n- two\n"),
      count("Read the trail.\n"),
    ]);
    expect(count("<GUARDS>\n") + count("Guards protect data.\nThey run first.\n\n") + count("Label the data.\n\n") + count("Define the policies.\n\n- one\n- two\n") + count("</GUARDS>")).toBe(
      plan.sections[0]?.tokens,
    );
  });

  it("without a wrapper, the file is the sections and one final newline", () => {
    const plan = pack(profileOf([sectionOf("ONE", [atomOf("one", { text: "First.", brief: "1." })]), sectionOf("TWO", [atomOf("two", { text: "Second.", brief: "2." })])]));

    expect(plan.text).toBe("<ONE>\nFirst.\n</ONE>\n\n<TWO>\nSecond.\n</TWO>\n");
  });
});

describe("packProfile degrades in the documented order", () => {
  it("keeps everything in full when the file needs exactly its budget", () => {
    const atoms = [atomOf("labels", { text: LONG.labels, brief: "Labels." }), atomOf("policies", { text: LONG.policies, brief: "Policies." })];
    const full = `<GUARDS>\n${LONG.labels}\n\n${LONG.policies}\n</GUARDS>\n`;

    const plan = pack(profileOf([sectionOf("GUARDS", atoms)], { budget: count(full) }));

    expect(plan.text).toBe(full);
    expect(statesOf(plan)).toEqual({ labels: "full", policies: "full" });
    expect(reasonsOf(plan)).toEqual({ labels: undefined, policies: undefined });
  });

  it("briefs the lowest priority first, the later atom first on a tie, and stops as soon as the file fits", () => {
    const atoms = [
      atomOf("labels", { text: LONG.labels, brief: "Labels mark values.", priority: 50 }),
      atomOf("policies", { text: LONG.policies, brief: "Policies limit flows.", priority: 10 }),
      atomOf("retries", { text: LONG.retries, brief: "Denied operations may retry.", priority: 50 }),
      atomOf("audit", { text: LONG.audit, brief: "Decisions are audited.", priority: 90 }),
    ];
    // policies (10) goes first, then retries (50, later than labels): two briefs are enough.
    const expected = `<GUARDS>\n${LONG.labels}\n\nPolicies limit flows.\n\nDenied operations may retry.\n\n${LONG.audit}\n</GUARDS>\n`;
    const budget = count(expected);

    const plan = pack(profileOf([sectionOf("GUARDS", atoms)], { budget }));

    expect(plan.text).toBe(expected);
    expect(plan.tokens).toBe(budget);
    expect(statesOf(plan)).toEqual({ labels: "full", policies: "brief", retries: "brief", audit: "full" });
    // Each brief's saving is measured on the whole file, the budget that forced it.
    const full = `<GUARDS>\n${LONG.labels}\n\n${LONG.policies}\n\n${LONG.retries}\n\n${LONG.audit}\n</GUARDS>\n`;
    const oneBrief = `<GUARDS>\n${LONG.labels}\n\nPolicies limit flows.\n\n${LONG.retries}\n\n${LONG.audit}\n</GUARDS>\n`;
    expect(reasonsOf(plan)).toEqual({
      labels: undefined,
      policies: { budget: "file", limit: budget, priority: 10, saved: count(full) - count(oneBrief) },
      retries: { budget: "file", limit: budget, priority: 50, saved: count(oneBrief) - count(expected) },
      audit: undefined,
    });
    expect(plan.sections[0]?.atoms.map((planned) => planned.tokens)).toEqual([
      count(LONG.labels),
      count("Policies limit flows."),
      count("Denied operations may retry."),
      count(LONG.audit),
    ]);
  });

  it("breaks a priority tie across sections by file position: the atom of the later section goes first", () => {
    const resolved = profileOf([
      sectionOf("FIRST", [atomOf("labels", { text: LONG.labels, brief: "Labels mark values." })]),
      sectionOf("SECOND", [atomOf("policies", { text: LONG.policies, brief: "Policies limit flows." })]),
    ]);
    const expected = `<FIRST>\n${LONG.labels}\n</FIRST>\n\n<SECOND>\nPolicies limit flows.\n</SECOND>\n`;
    resolved.profile.budget = count(expected);

    const plan = pack(resolved);

    expect(plan.text).toBe(expected);
    expect(statesOf(plan)).toEqual({ labels: "full", policies: "brief" });
  });

  it("gives every candidate its brief before dropping any, then drops in the same order", () => {
    const atoms = [
      atomOf("labels", { text: LONG.labels, brief: "Labels mark every value that flows through a pipeline.", priority: 30 }),
      atomOf("policies", { text: LONG.policies, brief: "Policies say which labels may reach which operations.", priority: 10 }),
      atomOf("retries", { text: LONG.retries, brief: "Denied operations may retry with a cleaned value.", priority: 20 }),
    ];
    const allBriefs = "<GUARDS>\nLabels mark every value that flows through a pipeline.\n\nPolicies say which labels may reach which operations.\n\nDenied operations may retry with a cleaned value.\n</GUARDS>\n";
    const expected = "<GUARDS>\nLabels mark every value that flows through a pipeline.\n\nDenied operations may retry with a cleaned value.\n</GUARDS>\n";
    const budget = count(expected);
    expect(count(allBriefs)).toBeGreaterThan(budget);

    const plan = pack(profileOf([sectionOf("GUARDS", atoms)], { budget }));

    expect(plan.text).toBe(expected);
    expect(statesOf(plan)).toEqual({ labels: "brief", policies: "dropped", retries: "brief" });
    // policies was briefed first, then dropped: its saving is both steps'.
    const full = `<GUARDS>\n${LONG.labels}\n\n${LONG.policies}\n\n${LONG.retries}\n</GUARDS>\n`;
    const policiesBrief = `<GUARDS>\n${LONG.labels}\n\nPolicies say which labels may reach which operations.\n\n${LONG.retries}\n</GUARDS>\n`;
    expect(reasonsOf(plan).policies).toEqual({ budget: "file", limit: budget, priority: 10, saved: count(full) - count(policiesBrief) + count(allBriefs) - budget });
    expect(plan.sections[0]?.atoms.map((planned) => planned.tokens)).toEqual([
      count("Labels mark every value that flows through a pipeline."),
      0,
      count("Denied operations may retry with a cleaned value."),
    ]);
  });

  it("walks a section over its own budget with its own candidates only, before the file walk", () => {
    // audit has the lowest priority in the file, but GUARDS must fit on its own first.
    const resolved = profileOf([
      sectionOf(
        "GUARDS",
        [atomOf("labels", { text: LONG.labels, brief: "Labels mark values.", priority: 80 }), atomOf("policies", { text: LONG.policies, brief: "Policies limit flows.", priority: 70 })],
        { budget: count(`<GUARDS>\n${LONG.labels}\n\nPolicies limit flows.\n</GUARDS>`) },
      ),
      sectionOf("AUDIT", [atomOf("audit", { text: LONG.audit, brief: "Decisions are audited.", priority: 0 })]),
    ]);
    const expected = `<GUARDS>\n${LONG.labels}\n\nPolicies limit flows.\n</GUARDS>\n\n<AUDIT>\n${LONG.audit}\n</AUDIT>\n`;
    resolved.profile.budget = count(expected);

    const plan = pack(resolved);

    expect(plan.text).toBe(expected);
    expect(statesOf(plan)).toEqual({ labels: "full", policies: "brief", audit: "full" });
    const sectionBudget = resolved.sections[0]?.budget;
    const saved = count(`<GUARDS>\n${LONG.labels}\n\n${LONG.policies}\n</GUARDS>`) - (sectionBudget ?? 0);
    expect(reasonsOf(plan)).toEqual({ labels: undefined, policies: { budget: "section", section: "GUARDS", limit: sectionBudget, priority: 70, saved }, audit: undefined });
    expect(plan.sections.map((section) => [section.tag, section.tokens, section.budget])).toEqual([
      ["GUARDS", sectionBudget, sectionBudget],
      ["AUDIT", count(`<AUDIT>\n${LONG.audit}\n</AUDIT>`), undefined],
    ]);
  });

  it("then walks the file over all remaining candidates, skipping briefs the section walk already made", () => {
    const resolved = profileOf([
      sectionOf(
        "GUARDS",
        [atomOf("labels", { text: LONG.labels, brief: "Labels mark values.", priority: 80 }), atomOf("policies", { text: LONG.policies, brief: "Policies limit flows.", priority: 70 })],
        { budget: count(`<GUARDS>\n${LONG.labels}\n\nPolicies limit flows.\n</GUARDS>`) },
      ),
      sectionOf("AUDIT", [atomOf("audit", { text: LONG.audit, brief: "Decisions are audited.", priority: 0 })]),
    ]);
    // The file walk's order is audit (0), policies (70, already a brief), labels (80).
    const expected = "<GUARDS>\nLabels mark values.\n\nPolicies limit flows.\n</GUARDS>\n\n<AUDIT>\nDecisions are audited.\n</AUDIT>\n";
    const fileBudget = count(expected);
    resolved.profile.budget = fileBudget;

    const plan = pack(resolved);

    expect(plan.text).toBe(expected);
    expect(statesOf(plan)).toEqual({ labels: "brief", policies: "brief", audit: "brief" });
    const sectionBudget = resolved.sections[0]?.budget ?? 0;
    const afterSectionWalk = `<GUARDS>\n${LONG.labels}\n\nPolicies limit flows.\n</GUARDS>\n\n<AUDIT>\n${LONG.audit}\n</AUDIT>\n`;
    const auditBrief = `<GUARDS>\n${LONG.labels}\n\nPolicies limit flows.\n</GUARDS>\n\n<AUDIT>\nDecisions are audited.\n</AUDIT>\n`;
    expect(reasonsOf(plan)).toEqual({
      labels: { budget: "file", limit: fileBudget, priority: 80, saved: count(auditBrief) - fileBudget },
      policies: { budget: "section", section: "GUARDS", limit: sectionBudget, priority: 70, saved: count(`<GUARDS>\n${LONG.labels}\n\n${LONG.policies}\n</GUARDS>`) - sectionBudget },
      audit: { budget: "file", limit: fileBudget, priority: 0, saved: count(afterSectionWalk) - count(auditBrief) },
    });
  });

  it("never degrades a required atom or an atom of a required section, whatever its priority", () => {
    const resolved = profileOf([
      sectionOf("SECRETS", [atomOf("secrets", { text: LONG.secrets, brief: "Secrets are marked.", priority: 0 })], { required: true }),
      sectionOf("GUARDS", [
        atomOf("labels", { text: LONG.labels, brief: "Labels mark values.", priority: 0, required: true }),
        atomOf("policies", { text: LONG.policies, brief: "Policies limit flows.", priority: 100 }),
      ]),
    ]);
    const expected = `<SECRETS>\n${LONG.secrets}\n</SECRETS>\n\n<GUARDS>\n${LONG.labels}\n</GUARDS>\n`;
    resolved.profile.budget = count(expected);

    const plan = pack(resolved);

    expect(plan.text).toBe(expected);
    expect(statesOf(plan)).toEqual({ secrets: "full", labels: "full", policies: "dropped" });
    expect(plan.sections.flatMap((section) => section.atoms.map((planned) => planned.required))).toEqual([true, true, false]);
  });

  it("leaves a section out of the text when all its atoms are dropped", () => {
    const resolved = profileOf(
      [
        sectionOf("AUDIT", [atomOf("audit", { text: LONG.audit, brief: "Every decision a guard makes is written to an audit trail with its outcome." })], {
          intro: "What gets recorded.",
        }),
        sectionOf("SECRETS", [atomOf("secrets", { text: LONG.secrets, brief: "Secrets are marked.", required: true })]),
      ],
      { wrapper: "SECURITY" },
    );
    const expected = `<SECURITY>\n\n<SECRETS>\n${LONG.secrets}\n</SECRETS>\n\n</SECURITY>\n`;
    resolved.profile.budget = count(expected);

    const plan = pack(resolved);

    expect(plan.text).toBe(expected);
    expect(statesOf(plan)).toEqual({ audit: "dropped", secrets: "full" });
    expect(plan.sections.map((section) => [section.tag, section.text, section.tokens])).toEqual([
      ["AUDIT", null, 0],
      ["SECRETS", `<SECRETS>\n${LONG.secrets}\n</SECRETS>`, count(`<SECRETS>\n${LONG.secrets}\n</SECRETS>`)],
    ]);
  });
});

describe("packProfile refuses what cannot fit", () => {
  it("says how many tokens a section's required content needs and its budget", () => {
    const text = "Secrets are read once.";
    const resolved = profileOf(
      [
        sectionOf("SECRETS", [atomOf("secrets", { text, brief: "Secrets.", required: true }), atomOf("audit", { text: LONG.audit, brief: "Audit." })], {
          budget: 5,
          line: 9,
        }),
      ],
      { lines: { "sections[0].budget": 12 } },
    );

    const error = packError(resolved);

    expect(count(`<SECRETS>\n${text}\n</SECRETS>`)).toBe(15);
    expect(error.message).toBe(
      "profiles/guide.yaml:12: section SECRETS needs 15 tokens for its required content, over its budget of 5: raise the budget or make fewer of its atoms required",
    );
    expect(error.issues).toEqual([
      {
        file: SHOWN,
        line: 12,
        message: "section SECRETS needs 15 tokens for its required content, over its budget of 5: raise the budget or make fewer of its atoms required",
      },
    ]);
  });

  it("says how many tokens the file's required content needs and the file budget", () => {
    const text = "Secrets are read once.";
    const resolved = profileOf(
      [
        sectionOf("SECRETS", [atomOf("secrets", { text, brief: "Secrets." })], { required: true }),
        sectionOf("AUDIT", [atomOf("audit", { text: LONG.audit, brief: "Audit." })]),
      ],
      { budget: 10, wrapper: "SECURITY", lines: { budget: 3 } },
    );

    const error = packError(resolved);

    expect(count(`<SECURITY>\n\n<SECRETS>\n${text}\n</SECRETS>\n\n</SECURITY>\n`)).toBe(23);
    expect(error.message).toBe(
      "profiles/guide.yaml:3: the file needs 23 tokens for its required content, over its budget of 10: raise the budget or make fewer atoms required",
    );
  });

  it("lists a section over its budget and the file over its budget together", () => {
    const text = "Secrets are read once.";
    const resolved = profileOf(
      [sectionOf("SECRETS", [atomOf("secrets", { text, brief: "Secrets.", required: true })], { budget: 5 })],
      { budget: 8, lines: { budget: 2, "sections[0].budget": 7 } },
    );

    const error = packError(resolved);

    expect(error.message).toBe(
      [
        "profiles/guide.yaml:7: section SECRETS needs 15 tokens for its required content, over its budget of 5: raise the budget or make fewer of its atoms required",
        "profiles/guide.yaml:2: the file needs 15 tokens for its required content, over its budget of 8: raise the budget or make fewer atoms required",
      ].join("\n"),
    );
  });

  it("refuses a plan that would leave every section out", () => {
    const resolved = profileOf([sectionOf("AUDIT", [atomOf("audit", { text: LONG.audit, brief: "Decisions are audited." })])], {
      budget: 2,
      lines: { budget: 4 },
    });

    const error = packError(resolved);

    expect(error.message).toBe("profiles/guide.yaml:4: every section would be left out under these budgets: raise a budget or mark an atom required");
  });
});

describe("packProfile counts special-token strings as ordinary text", () => {
  const encoder = get_encoding("o200k_base");
  afterAll(() => encoder.free());
  const ordinary = (text: string): number => encoder.encode_ordinary(text).length;

  it("counts <|endoftext|> and <|fim_prefix|> in atoms, briefs and intros exactly as encode_ordinary does", () => {
    const text = "A model stops at <|endoftext|> when it is a control token.\n\nFill-in-the-middle prompts start with <|fim_prefix|> and the code before the gap.";
    const resolved = profileOf([
      sectionOf("TOKENS", [atomOf("special-tokens", { text, brief: "Mind <|endoftext|> and <|fim_prefix|>." })], { intro: "Raw <|endoftext|> below." }),
      sectionOf("AUDIT", [atomOf("audit", { text: LONG.audit, brief: "Decisions <|endoftext|> are audited." })]),
    ]);
    const full = pack(resolved);

    expect(full.text).toBe(`<TOKENS>\nRaw <|endoftext|> below.\n\n${text}\n</TOKENS>\n\n<AUDIT>\n${LONG.audit}\n</AUDIT>\n`);
    expect(full.tokens).toBe(ordinary(full.text));
    expect(full.sections.map((section) => section.tokens)).toEqual(full.sections.map((section) => ordinary(section.text ?? "")));
    expect(full.sections[0]?.atoms[0]?.tokens).toBe(ordinary(text));

    const expected = "<TOKENS>\nRaw <|endoftext|> below.\n\nMind <|endoftext|> and <|fim_prefix|>.\n</TOKENS>\n\n<AUDIT>\nDecisions <|endoftext|> are audited.\n</AUDIT>\n";
    resolved.profile.budget = ordinary(expected);
    const briefed = pack(resolved);

    expect(briefed.text).toBe(expected);
    expect(briefed.tokens).toBe(ordinary(expected));
    expect(statesOf(briefed)).toEqual({ "special-tokens": "brief", audit: "brief" });
  });
});

describe("a brief longer than its text is not used", () => {
  // The file walk reaches `note` first (priority 0). Its brief is longer than its
  // text and would push NOTES past the budget its section walk had met; it stays
  // full, and briefing `labels` makes the file fit: NOTES 10, file 20 tokens.
  it("fits a profile whose required content is empty within every budget", () => {
    const resolved = profileOf(
      [
        sectionOf("NOTES", [atomOf("note", { text: "x", brief: "one two three four five six seven eight nine ten", priority: 0 })], { budget: 10 }),
        sectionOf("GUARDS", [atomOf("labels", { text: LONG.labels, brief: "short", priority: 10 })]),
      ],
      { budget: 40 },
    );

    const plan = pack(resolved);

    expect(plan.tokens).toBeLessThanOrEqual(40);
    expect(plan.sections[0]?.tokens).toBeLessThanOrEqual(10);
    expect(statesOf(plan)).toEqual({ note: "full", labels: "brief" });
  });
});
