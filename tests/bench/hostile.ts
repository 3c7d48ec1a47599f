/**
 * Hostile outputs, 1 to 50 MB: deep nesting, many unopened close lines, many
 * duplicate blocks. Times the output parser and the whole check of one file
 * (from dist/, each size in a fresh process), and `llmsgen sync-check --file`
 * end to end, and prints the time per MB, which must stay flat as the size
 * grows. Part of `npm run bench`; alone:
 *
 *   npm run build && npx tsc -p tsconfig.bench.json && node .bench/hostile.js [--sizes 1,10,50]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..");
const BIN = path.join(REPO, "dist", "cli", "bin.js");
const SCRATCH = path.join(os.tmpdir(), "llmsgen-bench", "hostile");

const PATTERNS: Record<string, (bytes: number) => string> = {
  "nested open tags": (bytes) => {
    const lines: string[] = [];
    for (let index = 0, size = 0; size < bytes; index++) {
      const line = `<T${index}>\n`;
      lines.push(line);
      size += line.length;
    }
    return lines.join("");
  },
  "unopened </A> lines": (bytes) => "</A>\n".repeat(Math.ceil(bytes / 5)),
  "duplicate blocks": (bytes) => "<A>\nx\n</A>\n\n".repeat(Math.ceil(bytes / 11)),
};

interface Row {
  pattern: string;
  mb: number;
  parseMsPerMb: number;
  checkMsPerMb: number;
  /** `llmsgen sync-check --file` end to end, Node's start included. */
  cliSeconds: number;
  findings: number;
}

/** Median of three runs of `run`, in milliseconds. */
function time(run: () => unknown): number {
  const runs = [0, 1, 2].map(() => {
    const start = performance.now();
    run();
    return performance.now() - start;
  });
  return runs.sort((a, b) => a - b)[1] ?? 0;
}

/** The output to check, as sync/ takes it: one profile with one section under a wrapper. */
function outputOf(actual: string): Record<string, unknown> {
  return {
    file: "out/p.txt",
    profile: { name: "p", file: path.join(SCRATCH, "profiles", "p.yaml"), output: "p.txt", wrapper: "W", encoding: "o200k_base", sections: [], lines: {} },
    expected: "<W>\n\n<A>\nx\n</A>\n\n</W>\n",
    actual,
    previous: undefined,
    atomTags: new Set(["A"]),
    sections: [{ tag: "A", atoms: [], text: "<A>\nx\n</A>", tokens: 0 }],
  };
}

/** In a fresh process (no heap left over from larger inputs): the parse and the check of one hostile file, in ms. */
async function measureOne(pattern: string, mb: number): Promise<{ parse: number; check: number; findings: number }> {
  const { parseOutput } = (await import(pathToFileURL(path.join(REPO, "dist", "render", "parse-output.js")).href)) as { parseOutput: (text: string, options: { wrapper?: string }) => unknown };
  const { checkOutput } = (await import(pathToFileURL(path.join(REPO, "dist", "sync", "check-outputs.js")).href)) as { checkOutput: (output: unknown) => { findings: unknown[] } };
  const make = PATTERNS[pattern];
  if (!make) throw new Error(`no pattern ${pattern}`);
  const text = make(mb * 1e6);
  let findings = 0;
  const parse = time(() => parseOutput(text, { wrapper: "W" }));
  const check = time(() => (findings = checkOutput(outputOf(text)).findings.length));
  return { parse, check, findings };
}

export async function hostileRows(sizes: readonly number[]): Promise<Row[]> {
  rmSync(SCRATCH, { recursive: true, force: true });
  mkdirSync(path.join(SCRATCH, "atoms"), { recursive: true });
  mkdirSync(path.join(SCRATCH, "profiles"), { recursive: true });
  writeFileSync(path.join(SCRATCH, "atoms", "a.md"), "---\nid: a\ntitle: A\nbrief: A.\n---\nx\n");
  writeFileSync(path.join(SCRATCH, "profiles", "p.yaml"), "output: p.txt\nwrapper: W\nsections:\n  - tag: A\n    atoms: [a]\n");
  const syncCheck = (file: string, status: number) => () => {
    const run = spawnSync(process.execPath, [BIN, "sync-check", "--no-cache", "--profile", "p", "--file", file], { cwd: SCRATCH, stdio: "ignore" });
    if (run.status !== status) throw new Error(`sync-check --file ${file} exited ${run.status}, expected ${status}`);
  };
  const rows: Row[] = [];
  for (const pattern of Object.keys(PATTERNS)) {
    for (const mb of sizes) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--one", pattern, String(mb)], { encoding: "utf8", maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`measuring ${pattern} (${mb} MB) failed: ${child.stderr.slice(0, 2000)}`);
      const one = JSON.parse(child.stdout) as { parse: number; check: number; findings: number };
      const hostile = path.join(SCRATCH, "hostile.txt");
      writeFileSync(hostile, (PATTERNS[pattern] ?? (() => ""))(mb * 1e6));
      const cli = time(syncCheck(hostile, 1));
      const row = { pattern, mb, parseMsPerMb: one.parse / mb, checkMsPerMb: one.check / mb, cliSeconds: cli / 1000, findings: one.findings };
      process.stderr.write(`  ${pattern.padEnd(20)} ${String(mb).padStart(3)} MB  parse ${row.parseMsPerMb.toFixed(0)} ms/MB  check ${row.checkMsPerMb.toFixed(0)} ms/MB  sync-check ${row.cliSeconds.toFixed(2)} s\n`);
      rows.push(row);
    }
  }
  return rows;
}

export function hostileTable(rows: readonly Row[]): string {
  const lines = [
    "| hostile output | MB | parse, ms/MB | check of the file, ms/MB | sync-check --file, s | findings |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    lines.push(`| ${row.pattern} | ${row.mb} | ${row.parseMsPerMb.toFixed(0)} | ${row.checkMsPerMb.toFixed(0)} | ${row.cliSeconds.toFixed(2)} | ${row.findings} |`);
  }
  return `${lines.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const one = process.argv.indexOf("--one");
  if (one !== -1) {
    process.stdout.write(JSON.stringify(await measureOne(process.argv[one + 1] ?? "", Number(process.argv[one + 2]))));
  } else {
    const index = process.argv.indexOf("--sizes");
    const sizes = (index === -1 ? "1,10,50" : (process.argv[index + 1] ?? "1,10,50")).split(",").map(Number);
    process.stdout.write(hostileTable(await hostileRows(sizes)));
  }
}
