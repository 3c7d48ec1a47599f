import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ATOMS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../atoms");

interface Block {
  where: string;
  info: string;
  body: string;
}

function atomFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? atomFiles(path.join(dir, entry.name)) : entry.name.endsWith(".md") ? [path.join(dir, entry.name)] : []))
    .sort();
}

/** Every fenced block of every atom whose info string starts with `mlld`. */
function mlldBlocks(): Block[] {
  const blocks: Block[] = [];
  for (const file of atomFiles(ATOMS)) {
    const lines = readFileSync(file, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = /^(`{3,}|~{3,})(.*)$/.exec(lines[i] ?? "");
      if (!open?.[1]) continue;
      const fence = open[1];
      let end = i + 1;
      while (end < lines.length && !(lines[end] ?? "").startsWith(fence)) end++;
      const info = (open[2] ?? "").trim();
      if (info.split(/\s+/)[0] === "mlld") blocks.push({ where: `${path.relative(ATOMS, file)}:${i + 1}`, info, body: lines.slice(i + 1, end).join("\n") });
      i = end;
    }
  }
  return blocks;
}

const blocks = mlldBlocks();
const claims = (body: string) => body.match(/(?:^|\s)>>\s*(?:prints|fails|warns):/gm) ?? [];

describe("the corpus's mlld examples", () => {
  it("carry one of the checker's info strings", () => {
    const odd = blocks.filter((block) => !["mlld", "mlld run", "mlld run-fails", "mlld offline"].includes(block.info));
    expect(odd.map((block) => `${block.where} ${block.info}`)).toEqual([]);
  });

  it("are mostly run, and every run declares what it shows", () => {
    const run = blocks.filter((block) => block.info === "mlld run" || block.info === "mlld run-fails");
    expect(run.length / blocks.length).toBeGreaterThan(0.75);
    expect(run.filter((block) => claims(block.body).length === 0).map((block) => block.where)).toEqual([]);
    expect(blocks.filter((block) => block.info === "mlld offline").length).toBeLessThanOrEqual(3);
  });

  it("claim effects only in blocks that are run", () => {
    const unchecked = blocks.filter((block) => (block.info === "mlld" || block.info === "mlld offline") && claims(block.body).length > 0);
    expect(unchecked.map((block) => block.where)).toEqual([]);
  });

  it("use mlld 2.0.5 syntax: box blocks, not env blocks; no policy named @base; let inside blocks", () => {
    const stale = blocks.flatMap((block) =>
      block.body
        .split("\n")
        .filter((line) => /^\s*(?:var @\w+ = )?env\b[^=]*\[/.test(line) || /\bpolicy @base\b/.test(line) || /^\s+var @/.test(line))
        .map((line) => `${block.where}: ${line.trim()}`),
    );
    expect(stale).toEqual([]);
  });
});

describe("the corpus's text", () => {
  const text = atomFiles(ATOMS).map((file) => ({ file: path.relative(ATOMS, file), lines: readFileSync(file, "utf8").split("\n") }));

  it("names renamed things by their 2.0.5 names, old names only as 'formerly'", () => {
    const oldNames = ["src:exec", "mlld-env-", ".mlld/sec/sigs", "signedby", "signedat"];
    const stale = text.flatMap(({ file, lines }) =>
      lines.flatMap((line, index) => (oldNames.some((name) => line.includes(name)) && !line.includes("formerly") ? [`${file}:${index + 1}`] : [])),
    );
    expect(stale).toEqual([]);
  });

  it("shows no operations map in the pre-2.0 direction outside the example that proves it does nothing", () => {
    const mapped = text.flatMap(({ file, lines }) =>
      lines.flatMap((line, index) => (/operations: \{ "[a-z]+:[a-z]+": "[a-z]+" \}/.test(line) && !line.includes("formerly") ? [`${file}:${index + 1}`] : [])),
    );
    expect(mapped).toEqual(["policy/policy-operations.md:43"]);
  });
});
