/**
 * The docs-tree fixture (tests/fixtures/docs-tree) at 10x scale: 11 topic
 * folders, each with 10 parents of 3 children, 10 standalone files and an
 * `_index.md` left out by `exclude` (451 atoms shaped like the corpus's),
 * one `tags_from: filename` profile per folder without a final newline, and
 * a combined output of two hand-maintained files and the 11 folder outputs
 * under a wrapper versioned from package.json. Times, in fresh processes:
 * the 11 folder profiles alone, the combined profile alone (its parts
 * planned, not written), and everything, cold; a warm build; sync-check; a
 * build after a hand-maintained file changed. The combined output adds one
 * file of all the folders' text, but costs no second pass over their atoms.
 * Part of `npm run bench`; alone:
 *
 *   npm run build && npx tsc -p tsconfig.bench.json && node .bench/docs-tree.js
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { atomBody, random, sentence, type Shape } from "./corpus.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..");
const BIN = path.join(REPO, "dist", "cli", "bin.js");
const SCRATCH = path.join(os.tmpdir(), "llmsgen-bench", "docs-tree");
const FOLDERS = 11;
const SCALE = 10;

export interface DocsTreeRow {
  label: string;
  seconds: number;
}

export interface DocsTree {
  atoms: number;
  bytes: number;
  rows: DocsTreeRow[];
}

/** Writes the scaled tree under `dir`; returns the number of atoms and their bytes. */
export function writeDocsTree(dir: string, seed: number): { atoms: number; bytes: number } {
  rmSync(dir, { recursive: true, force: true });
  const next = random(seed);
  const shape: Shape = {
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
  const files: Record<string, string> = {
    "package.json": '{ "name": "bench-docs", "version": "1.2.3", "private": true }\n',
    "llmsgen.config.yaml": "atoms: docs/topics\nprofiles: docs/profiles\nout: public/llm\n",
    "docs/handwritten/INTRO.md": `# Introduction\n\n${atomBody(shape, "intro")}\n`,
    "docs/handwritten/FAQ.md": `## FAQ\n\n${atomBody(shape, "faq")}\n`,
  };
  let atoms = 0;
  let bytes = 0;
  const atom = (file: string, id: string) => {
    const text = `---\nid: ${id}\ntitle: ${sentence(shape, 3).slice(0, -1)}\nbrief: ${sentence(shape, 10)}\n---\n${atomBody(shape, id)}\n`;
    files[file] = text;
    atoms++;
    bytes += Buffer.byteLength(text);
  };
  const parts: string[] = [];
  for (let folder = 1; folder <= FOLDERS; folder++) {
    const name = `topic-${folder}`;
    const dirName = `${String(folder).padStart(2, "0")}-${name}`;
    atom(`docs/topics/${dirName}/_index.md`, `${name}-index`);
    let order = 1;
    for (let group = 0; group < SCALE; group++) {
      const parent = `part${group}`;
      for (const child of ["alpha", "beta", "gamma"]) atom(`docs/topics/${dirName}/${String(order++).padStart(2, "0")}-${parent}--${child}.md`, `${name}-${parent}-${child}`);
      atom(`docs/topics/${dirName}/${String(order++).padStart(2, "0")}-standalone${group}.md`, `${name}-standalone-${group}`);
    }
    files[`docs/profiles/${name}.yaml`] =
      `output: ${name}.txt\nwrapper: TOPIC_${folder}\ninclude: ["${dirName}/**/*.md"]\nexclude: ["**/_*.md"]\ntags_from: filename\nfinal_newline: false\ndescription: Topic ${folder}\n`;
    parts.push(`  - profile: ${name}`);
  }
  files["docs/profiles/combined.yaml"] = [
    "output: llms-full.txt",
    "wrapper: DOCS",
    "attributes:",
    '  version: "${package.version}"',
    "parts:",
    "  - file: docs/handwritten/INTRO.md",
    ...parts,
    "  - file: docs/handwritten/FAQ.md",
    "",
  ].join("\n");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return { atoms, bytes };
}

/** Median seconds of three runs of the CLI in `dir`, each after `before`. */
function time(dir: string, args: readonly string[], before: () => void = () => {}): number {
  const runs = [0, 1, 2].map(() => {
    before();
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, stdio: "ignore" });
    if (run.status !== 0) throw new Error(`llmsgen ${args.join(" ")} exited ${run.status}`);
    return Number(process.hrtime.bigint() - start) / 1e9;
  });
  return runs.sort((a, b) => a - b)[1] ?? 0;
}

export function docsTreeRows(): DocsTree {
  const dir = SCRATCH;
  const { atoms, bytes } = writeDocsTree(dir, 20261202);
  process.stderr.write(`docs tree at 10x: ${atoms} atoms in ${FOLDERS} folders, ${(bytes / 1e6).toFixed(2)} MB\n`);
  const clean = () => {
    rmSync(path.join(dir, "public"), { recursive: true, force: true });
    rmSync(path.join(dir, ".llmsgen-cache"), { recursive: true, force: true });
  };
  const folders = Array.from({ length: FOLDERS }, (_, index) => ["--profile", `topic-${index + 1}`]).flat();
  const rows: DocsTreeRow[] = [];
  const row = (label: string, seconds: number) => {
    process.stderr.write(`  ${label.padEnd(44)} ${seconds.toFixed(2)} s\n`);
    rows.push({ label, seconds });
  };
  row("cold: the 11 folder profiles", time(dir, ["build", ...folders], clean));
  row("cold: the combined profile alone", time(dir, ["build", "--profile", "combined"], clean));
  row("cold: everything (11 folders + combined)", time(dir, ["build"], clean));
  row("warm build, no change", time(dir, ["build"]));
  row("sync-check", time(dir, ["sync-check"]));
  let edit = 0;
  row("build after a hand-maintained file changed", time(dir, ["build"], () => appendFileSync(path.join(dir, "docs/handwritten/FAQ.md"), `\nOne more answer, ${edit++}.\n`)));
  return { atoms, bytes, rows };
}

export function docsTreeTable(tree: DocsTree): string {
  const lines = [`docs tree at 10x: ${tree.atoms} atoms in ${FOLDERS} folders, ${(tree.bytes / 1e6).toFixed(2)} MB`, "", "| run | seconds |", "|---|---:|"];
  for (const row of tree.rows) lines.push(`| ${row.label} | ${row.seconds.toFixed(2)} |`);
  const [folders, , everything] = tree.rows;
  if (folders && everything) lines.push("", `everything / the 11 folders alone, cold: ${(everything.seconds / folders.seconds).toFixed(2)}x`);
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(docsTreeTable(docsTreeRows()));
