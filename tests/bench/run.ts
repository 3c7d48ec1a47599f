/**
 * `npm run bench`: builds seeded corpora of 1,000, 10,000 and 50,000 distinct
 * atoms and times llmsgen on them next to two references run the same way:
 * the floor (read every file, count its tokens) and repomix (pinned, installed
 * on demand into a scratch folder). Prints a table; writes the figures as JSON.
 *
 *   npm run bench -- [--sizes 1000,10000] [--runs 3] [--out results.json]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeCorpus, type CorpusInfo } from "./corpus.js";
import { docsTreeRows, docsTreeTable } from "./docs-tree.js";
import { hostileRows, hostileTable } from "./hostile.js";

const REPOMIX_VERSION = "1.14.0";
const HERE = path.dirname(fileURLToPath(import.meta.url));
// Compiled to .bench/ at the repository root (tsconfig.bench.json).
const REPO = path.resolve(HERE, "..");
const BIN = path.join(REPO, "dist", "cli", "bin.js");
const SCRATCH = path.join(os.tmpdir(), "llmsgen-bench");

interface Options {
  sizes: number[];
  runs: number;
  out: string;
}

interface Measure {
  label: string;
  seconds: number[];
  median: number;
  peakMb: number;
}

function options(argv: readonly string[]): Options {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index === -1 ? undefined : argv[index + 1];
  };
  return {
    sizes: (value("--sizes") ?? "1000,10000,50000").split(",").map(Number),
    runs: Math.max(1, Number(value("--runs") ?? 3)),
    out: path.resolve(value("--out") ?? path.join(SCRATCH, "results.json")),
  };
}

/** Every Node process the bench starts reports its peak RSS through this hook. */
function rssHook(): string {
  const hook = path.join(SCRATCH, "rss-hook.mjs");
  writeFileSync(
    hook,
    'import { appendFileSync } from "node:fs";\nprocess.on("exit", () => { if (process.env.BENCH_RSS) appendFileSync(process.env.BENCH_RSS, `${process.resourceUsage().maxRSS}\\n`); });\n',
  );
  return hook;
}

function timeNode(args: readonly string[], cwd: string, hook: string): { seconds: number; peakKb: number } {
  const rssFile = path.join(SCRATCH, "rss.txt");
  rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", `file://${hook}`, ...args], { cwd, env: { ...process.env, BENCH_RSS: rssFile, NO_COLOR: "1" }, encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0 && run.status !== 1) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
  const peaks = existsSync(rssFile) ? readFileSync(rssFile, "utf8").trim().split("\n").map(Number) : [0];
  return { seconds, peakKb: Math.max(...peaks) };
}

function measure(label: string, runs: number, once: () => { seconds: number; peakKb: number }, before?: (run: number) => void): Measure {
  const seconds: number[] = [];
  let peakKb = 0;
  for (let run = 0; run < runs; run++) {
    before?.(run);
    const result = once();
    seconds.push(result.seconds);
    peakKb = Math.max(peakKb, result.peakKb);
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  process.stderr.write(`  ${label.padEnd(28)} ${median.toFixed(2)} s  ${(peakKb / 1024).toFixed(0)} MB\n`);
  return { label, seconds, median, peakMb: Math.round(peakKb / 1024) };
}

function installRepomix(): string {
  const dir = path.join(SCRATCH, `repomix-${REPOMIX_VERSION}`);
  const bin = path.join(dir, "node_modules", "repomix", "bin", "repomix.cjs");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", `repomix@${REPOMIX_VERSION}`], { cwd: dir, stdio: "inherit" });
  }
  return bin;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  mkdirSync(SCRATCH, { recursive: true });
  const hook = rssHook();
  const repomix = installRepomix();
  const results: Record<string, unknown>[] = [];
  const cli = (cwd: string, ...args: string[]) => () => timeNode([BIN, ...args], cwd, hook);

  process.stderr.write(`shipped corpus\n`);
  const shipped = path.join(SCRATCH, "shipped");
  rmSync(shipped, { recursive: true, force: true });
  for (const dir of ["atoms", "profiles", "out"]) cpSync(path.join(REPO, dir), path.join(shipped, dir), { recursive: true });
  const processFloor = measure("process floor", opts.runs, () => timeNode([path.join(HERE, "floor-process.js")], REPO, hook));
  const shippedBuild = measure("build --profile full", opts.runs, cli(shipped, "build", "--profile", "full"));
  results.push({ corpus: "shipped", processFloor, build: shippedBuild, ratio: shippedBuild.median / processFloor.median });

  for (const size of opts.sizes) {
    const dir = path.join(SCRATCH, `corpus-${size}`);
    const info: CorpusInfo = writeCorpus(dir, size, 20261121 + size);
    process.stderr.write(`corpus of ${size} atoms, ${(info.bytes / 1e6).toFixed(1)} MB, ${info.tags} tags\n`);
    const atoms = path.join(dir, "atoms");
    const clean = () => {
      rmSync(path.join(dir, "out"), { recursive: true, force: true });
      rmSync(path.join(dir, ".llmsgen-cache"), { recursive: true, force: true });
    };
    const floor = measure("floor: read + count", opts.runs, () => timeNode([path.join(HERE, "floor-tokens.js"), atoms], dir, hook));
    const hashFloor = measure("floor: read + hash", opts.runs, () => timeNode([path.join(HERE, "floor-hash.js"), atoms], dir, hook));
    const repomixRun = measure(`repomix ${REPOMIX_VERSION}`, opts.runs, () =>
      timeNode([repomix, "--quiet", "--no-security-check", "--token-count-encoding", "o200k_base", "--output", path.join(SCRATCH, "repomix-out.xml"), atoms], dir, hook),
    );
    const cold = measure("build, cold", opts.runs, cli(dir, "build"), clean);
    const warm = measure("build, warm, no change", opts.runs, cli(dir, "build"));
    const edited = path.join(atoms, "part-0");
    const firstAtom = path.join(edited, readFirst(edited));
    const oneEdit = measure("build, one atom edited", opts.runs, cli(dir, "build"), (run) => appendFileSync(firstAtom, `\nOne more sentence, edit ${run}.\n`));
    const check = measure("build --check", opts.runs, cli(dir, "build", "--check"));
    const syncCheck = measure("sync-check", opts.runs, cli(dir, "sync-check"));
    const lint = measure("lint", opts.runs, cli(dir, "lint"));
    results.push({
      corpus: size,
      bytes: info.bytes,
      floor,
      hashFloor,
      repomix: repomixRun,
      cold,
      warm,
      oneEdit,
      check,
      syncCheck,
      lint,
      ratios: {
        coldVsRepomix: cold.median / repomixRun.median,
        coldVsFloor: cold.median / floor.median,
        warmVsRepomix: warm.median / repomixRun.median,
        warmVsHashFloor: warm.median / hashFloor.median,
        oneEditVsRepomix: oneEdit.median / repomixRun.median,
        syncCheckVsCheck: syncCheck.median / check.median,
      },
    });
  }

  const docsTree = docsTreeRows();
  results.push({ corpus: "docs-tree", ...docsTree });

  process.stderr.write("hostile outputs\n");
  const hostile = await hostileRows([1, 10, 50]);
  results.push({ corpus: "hostile", rows: hostile });

  const machine = { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "", memoryGb: Math.round(os.totalmem() / 2 ** 30) };
  mkdirSync(path.dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ machine, runs: opts.runs, repomix: REPOMIX_VERSION, results }, null, 2)}\n`);
  process.stdout.write(table(machine, results.filter((result) => result.corpus !== "hostile" && result.corpus !== "docs-tree"), opts.runs));
  process.stdout.write(`\n${docsTreeTable(docsTree)}`);
  process.stdout.write(`\n${hostileTable(hostile)}`);
  process.stdout.write(`\nfigures written to ${opts.out}\n`);
}

function readFirst(dir: string): string {
  const names = execFileSync("ls", [dir], { encoding: "utf8" }).trim().split("\n");
  return names[0] as string;
}

function table(machine: Record<string, unknown>, results: Record<string, unknown>[], runs: number): string {
  const s = (m: unknown) => (m as Measure).median.toFixed(2);
  const mb = (m: unknown) => String((m as Measure).peakMb);
  const lines = [
    `llmsgen benchmark: ${machine.cpus} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}; median of ${runs} runs`,
    "",
  ];
  const shipped = results[0] as { processFloor: Measure; build: Measure; ratio: number };
  lines.push(`shipped corpus: build --profile full ${s(shipped.build)} s, process floor ${s(shipped.processFloor)} s (${shipped.ratio.toFixed(2)}x)`, "");
  lines.push("| atoms | MB | floor (read+count) | read+hash | repomix | cold build | warm, no change | one atom edited | build --check | sync-check | lint | peak RSS (cold) | peak RSS (warm, edit) |");
  lines.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const sized = results.slice(1) as Record<string, unknown>[];
  for (const r of sized) {
    lines.push(
      `| ${r.corpus} | ${((r.bytes as number) / 1e6).toFixed(1)} | ${s(r.floor)} s | ${s(r.hashFloor)} s | ${s(r.repomix)} s | ${s(r.cold)} s | ${s(r.warm)} s | ${s(r.oneEdit)} s | ${s(r.check)} s | ${s(r.syncCheck)} s | ${s(r.lint)} s | ${mb(r.cold)} MB | ${mb(r.warm)} / ${mb(r.oneEdit)} MB |`,
    );
  }
  lines.push("", "| atoms | cold / repomix | cold / floor | warm / repomix | warm / read+hash | one edit / repomix | sync-check / --check |", "|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of sized) {
    const q = r.ratios as Record<string, number>;
    const x = (v: number | undefined) => `${(v ?? 0).toFixed(2)}x`;
    lines.push(`| ${r.corpus} | ${x(q.coldVsRepomix)} | ${x(q.coldVsFloor)} | ${x(q.warmVsRepomix)} | ${x(q.warmVsHashFloor)} | ${x(q.oneEditVsRepomix)} | ${x(q.syncCheckVsCheck)} |`);
  }
  if (sized.length >= 2) {
    const [a, b] = [sized[sized.length - 2] as Record<string, unknown>, sized[sized.length - 1] as Record<string, unknown>];
    const slope = ((b.cold as Measure).median - (a.cold as Measure).median) / (((b.corpus as number) - (a.corpus as number)) / 1000);
    const perAtom = (b.cold as Measure).median / ((b.corpus as number) / 1000);
    lines.push("", `cold build slope between ${a.corpus} and ${b.corpus} atoms: ${slope.toFixed(3)} s per 1,000 atoms (overall ${perAtom.toFixed(3)} s per 1,000 at ${b.corpus})`);
  }
  return `${lines.join("\n")}\n`;
}

await main();
