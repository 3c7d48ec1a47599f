import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { random } from "../bench/corpus.js";
import { openCaches } from "../../src/cache/open-caches.js";
import { build, type TextSource } from "../../src/index.js";
import { resolveLayout } from "../../src/load/layout.js";
import { loadProject } from "../../src/load/load-project.js";
import { plannedOutputs } from "../../src/outputs-to-check.js";
import { changedFiles, planBuild } from "../../src/plan-build.js";
import { textSource } from "../../src/text-source.js";
import { atom, makeProject, snapshotTree } from "../helpers.js";

const WORDS = "guard label policy secret the a of to every before after when `run()` $HOME naïve 数据 — x_1 42 retry audit".split(" ");
/** Atom files are dated a minute back, so that the stat index trusts them (entries close to a change are hashed again). */
const PAST = (Date.now() - 60_000) / 1000;

interface Rng {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

function rng(seed: number): Rng {
  const next = random(seed);
  return {
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
  };
}

const sentence = (r: Rng, words: number) => Array.from({ length: words }, () => r.pick(WORDS)).join(" ");
const body = (r: Rng) =>
  Array.from({ length: r.int(1, 4) }, () => (r.int(0, 4) === 0 ? `\`\`\`\n${sentence(r, 4)}\n\`\`\`` : `${sentence(r, r.int(4, 30))}.`)).join("\n\n");

function atomFile(r: Rng, id: string): string {
  return atom({ id, title: sentence(r, 3), brief: `${sentence(r, r.int(2, 8))}.`, tag: `TOPIC_${r.int(0, 4)}`, priority: r.int(0, 20) }, body(r));
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, PAST, PAST);
}

/** A project of `count` atoms under `atoms/`, with three profiles: sections with budgets, include with a file budget, and an index. */
function corpus(r: Rng, count: number): string {
  const project = makeProject({
    "profiles/all.yaml": "output: all.txt\nwrapper: ALL\ninclude: ['**/*.md']\n",
    "profiles/tight.yaml": "output: tight.txt\nwrapper: TIGHT\nbudget: 900\ninclude: ['**/*.md']\n",
    "profiles/picked.yaml":
      "output: picked.txt\nbudget: 700\nsections:\n  - tag: FIRST\n    budget: 300\n    atoms: ['a/*.md']\n  - tag: SECOND\n    intro: Read this second.\n    atoms: ['b/*.md']\n",
    "profiles/llms.yaml": "output: llms.txt\nindex:\n  title: Corpus\n  summary: Every output.\n",
  });
  for (let i = 0; i < count; i++) write(path.join(project, "atoms", i % 2 === 0 ? "a" : "b", `atom-${i}.md`), atomFile(r, `atom-${i}`));
  return project;
}

function atomFiles(project: string): string[] {
  const found: string[] = [];
  for (const dir of ["a", "b"]) for (const name of readdirSync(path.join(project, "atoms", dir)).sort()) found.push(path.join(project, "atoms", dir, name));
  return found;
}

/** One random change to the atoms, or to the cache; returns what it did. */
function change(r: Rng, project: string, round: number): string {
  const files = atomFiles(project);
  const file = r.pick(files);
  const text = readFileSync(file, "utf8");
  const kind = r.int(0, 8);
  const cache = path.join(project, ".llmsgen-cache");
  if (kind === 0) {
    write(file, text.replace(/\n---\n[\s\S]*$/, `\n---\n${body(r)}\n`));
    return `new body ${file}`;
  }
  if (kind === 1) {
    write(file, text.replace(/brief: ".*"/, `brief: "${sentence(r, 3)}."`));
    return `new brief ${file}`;
  }
  if (kind === 2) {
    // The same size, and the old mtime put back: only ctime and the bytes tell.
    const stats = statSync(file);
    const at = text.lastIndexOf(".");
    writeFileSync(file, `${text.slice(0, at)}!${text.slice(at + 1)}`);
    utimesSync(file, stats.atime, stats.mtime);
    return `same size ${file}`;
  }
  if (kind === 3) {
    write(file, text);
    return `same bytes ${file}`;
  }
  if (kind === 4) {
    write(file, text.replace(/priority: \d+/, `priority: ${r.int(0, 20)}`));
    return `new priority ${file}`;
  }
  if (kind === 5 && files.length > 6) {
    rmSync(file);
    return `removed ${file}`;
  }
  if (kind === 6) {
    write(path.join(project, "atoms", r.pick(["a", "b"]), `added-${round}.md`), atomFile(r, `added-${round}`));
    return `added added-${round}`;
  }
  if (!existsSync(cache)) return "no cache yet";
  const caches = readdirSync(cache).filter((name) => name.endsWith(".json"));
  const target = path.join(cache, r.pick(caches));
  const bytes = readFileSync(target);
  if (kind === 7) {
    const at = r.int(0, bytes.length - 1);
    bytes[at] = (bytes[at] as number) ^ 0x20;
    writeFileSync(target, bytes);
    return `flipped a byte of ${target}`;
  }
  writeFileSync(target, bytes.subarray(0, r.int(0, bytes.length)));
  return `truncated ${target}`;
}

/** What a build from nothing (no cache, no outputs) writes for the project's atoms and profiles as they are now. */
function fromScratch(project: string): Record<string, string> {
  const scratch = makeProject({});
  for (const dir of ["atoms", "profiles"]) cpSync(path.join(project, dir), path.join(scratch, dir), { recursive: true });
  build({ cwd: scratch, cache: false });
  return outputs(scratch);
}

function outputs(project: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotTree(path.join(project, "out"))).filter(([file]) => file.endsWith(".txt")));
}

describe("incremental builds", () => {
  it("read no atom and render no output when nothing changed: no stage asks for a text", () => {
    const project = corpus(rng(4), 40);
    build({ cwd: project });
    const layout = resolveLayout({ cwd: project });
    const caches = openCaches(layout, () => {});
    const loaded = loadProject(layout, {}, caches);
    const source = textSource(layout, caches);
    const asked: string[] = [];
    const texts: TextSource = {
      atom: (atom) => {
        asked.push(`atom ${atom.path}`);
        return source.atom(atom);
      },
      plan: (plan) => {
        asked.push(`plan ${plan.profile.name}`);
        return source.plan(plan);
      },
    };

    const plan = planBuild(loaded, caches, { texts });

    expect(loaded.atoms.filter((atom) => atom.text !== undefined).map((atom) => atom.path)).toEqual([]);
    expect(changedFiles(plan.files).map((file) => file.shown)).toEqual([]);
    expect(asked).toEqual([]);
    // What was deferred is still there to ask for: each restored plan renders to the bytes on disk.
    for (const file of plannedOutputs(plan)) expect(texts.plan(file.plan).text).toBe(readFileSync(file.file, "utf8"));
    expect(asked.filter((entry) => entry.startsWith("plan")).length).toBe(4);
  });

  it("give the bytes a build from nothing gives: cold, warm, after random edits, after the cache is damaged", () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const project = corpus(r, 40);
      const warnings: string[] = [];
      const history: string[] = ["cold"];
      for (let round = 0; round < 12; round++) {
        if (round > 1) history.push(change(r, project, round));
        else if (round === 1) history.push("warm");
        build({ cwd: project, warn: (message) => warnings.push(message) });
        const expected = fromScratch(project);
        expect({ history, outputs: outputs(project) }).toEqual({ history, outputs: expected });
        expect(Object.keys(expected).sort()).toEqual(["all.txt", "llms.txt", "picked.txt", "tight.txt"]);
      }
      // A damaged cache is ignored with a warning, never trusted.
      for (const warning of warnings) expect(warning).toMatch(/ignoring it|cannot read/);
    }
  }, 300_000);
});
