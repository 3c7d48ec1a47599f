import { makeProject } from "../helpers.js";

/** A small project: one section kept in full, one squeezed under its budget, and an `include` profile. */
export const SMALL_ATOMS = {
  "alpha.md": "---\nid: alpha\ntitle: Alpha\nbrief: Alpha, briefly.\n---\nAlpha is the first atom of this small project.\n",
  "notes/beta.md":
    "---\nid: beta\ntitle: Beta\nbrief: Beta, briefly.\npriority: 20\n---\n" +
    "Beta explains the second idea at much greater length than it needs to, so that a tight section budget has something to trim.\n",
  "notes/gamma.md": "---\nid: gamma\ntitle: Gamma\nbrief: Gamma, briefly.\npriority: 10\n---\nGamma is the least important atom here.\n",
};
export const SMALL_PROFILE = [
  "output: small.txt",
  "wrapper: SMALL",
  "sections:",
  "  - tag: FIRST",
  "    intro: Read this first.",
  "    atoms: [alpha]",
  "  - tag: NOTES",
  "    budget: 12",
  "    atoms: [\"notes/*.md\"]",
  "",
].join("\n");
export const TAGS_PROFILE = "output: tags.txt\ninclude: [\"**/*.md\"]\n";

export function under(dir: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [`${dir}/${name}`, text]));
}

export function smallProject(): string {
  return makeProject({ ...under("atoms", SMALL_ATOMS), "profiles/small.yaml": SMALL_PROFILE, "profiles/tags.yaml": TAGS_PROFILE });
}

export const SMALL_REPORT = (delta: string) =>
  [
    "small → out/small.txt  40 tokens, no budget (o200k_base)",
    "  section / atom  tokens  budget  delta  state    why",
    `  FIRST               20       -  ${delta.padStart(5)}`,
    "    alpha             10                 full",
    `  NOTES               12      12  ${delta.padStart(5)}`,
    "    beta               4                 brief    section budget 12, priority 20, saved 21",
    "    gamma              -                 dropped  section budget 12, priority 10, saved 8",
  ].join("\n");

export const TAGS_REPORT = (delta: string) =>
  [
    "tags → out/tags.txt  67 tokens, no budget (o200k_base)",
    "  section / atom  tokens  budget  delta  state",
    `  ALPHA               18       -  ${delta.padStart(5)}`,
    "    alpha             10                 full",
    `  BETA                32       -  ${delta.padStart(5)}`,
    "    beta              25                 full",
    `  GAMMA               17       -  ${delta.padStart(5)}`,
    "    gamma              8                 full",
  ].join("\n");

export const FIRST_BUILD = `${SMALL_REPORT("-")}\n\n${TAGS_REPORT("-")}\n\nwrote out/small.txt, out/tags.txt, out/llmsgen.lock.json\n`;
export const UP_TO_DATE = `${SMALL_REPORT("±0")}\n\n${TAGS_REPORT("±0")}\n\nup to date: every output matches its atoms and profile\n`;
