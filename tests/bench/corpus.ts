import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same corpus everywhere. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  "policy label guard taint secret untrusted trusted influenced operation command shell network file " +
  "environment provider sandbox credential keychain signature template verify audit ledger event " +
  "capability allow deny danger rule flow source data value output input pipeline module import export " +
  "privileged bypass override block retry transform redact mask sensitive exfil destructive " +
  "agent model prompt instruction context boundary runtime scope child parent attenuate restrict " +
  "the a an of to in for with on by from when every each only never always before after " +
  "must may can should keeps carries adds removes checks records applies marks blocks passes"
).split(" ");
const CODE = ["var", "exe", "guard", "policy", "run", "show", "sign", "verify", "import", "export", "when", "allow", "deny"];

export interface Shape {
  pick: <T>(items: readonly T[]) => T;
  int: (min: number, max: number) => number;
}

export function sentence(shape: Shape, words: number): string {
  const parts = Array.from({ length: words }, () => shape.pick(WORDS));
  const text = parts.join(" ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function paragraph(shape: Shape): string {
  return Array.from({ length: shape.int(2, 5) }, () => sentence(shape, shape.int(6, 16))).join(" ");
}

function codeBlock(shape: Shape, id: string): string {
  const lines = Array.from({ length: shape.int(3, 8) }, (_, i) => {
    const keyword = shape.pick(CODE);
    return `${keyword} @${shape.pick(WORDS)}${i} = ${shape.pick(["`", '"'])}${sentence(shape, shape.int(2, 6)).slice(0, -1)}${shape.pick(["`", '"'])}`;
  });
  return ["```mlld", `>> ${id}`, ...lines, "```"].join("\n");
}

export function atomBody(shape: Shape, id: string): string {
  const blocks = [paragraph(shape)];
  const count = shape.int(3, 6);
  for (let i = 0; i < count; i++) {
    const kind = shape.int(0, 3);
    if (kind === 0) blocks.push(codeBlock(shape, id));
    else if (kind === 1) blocks.push(Array.from({ length: shape.int(2, 5) }, () => `- ${sentence(shape, shape.int(4, 10))}`).join("\n"));
    else if (kind === 2) blocks.push(`**${sentence(shape, 2).slice(0, -1)}:** ${paragraph(shape)}`);
    else blocks.push(paragraph(shape));
  }
  return blocks.join("\n\n");
}

export interface CorpusInfo {
  atoms: number;
  bytes: number;
  tags: number;
}

/**
 * Writes a project of `count` distinct atoms shaped like the shipped ones
 * (frontmatter, prose, lists, ```mlld fences) under `dir`, with two profiles:
 * `all` (every atom, no budget) and `tight` (every atom, a total budget that
 * forces most atoms down to their briefs).
 */
export function writeCorpus(dir: string, count: number, seed: number): CorpusInfo {
  rmSync(dir, { recursive: true, force: true });
  const next = random(seed);
  const shape: Shape = {
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
  const tags = Math.max(8, Math.round(count / 40));
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const id = `${shape.pick(WORDS)}-${shape.pick(WORDS)}-${i}`;
    const tag = `TOPIC_${shape.int(0, tags - 1)}`;
    const title = sentence(shape, shape.int(2, 5)).slice(0, -1);
    const brief = sentence(shape, shape.int(8, 18));
    const text = [
      "---",
      `id: ${id}`,
      `title: ${title}`,
      `brief: ${brief}`,
      `tag: ${tag}`,
      `priority: ${shape.int(0, 100)}`,
      `related: [${shape.pick(WORDS)}-${shape.pick(WORDS)}-${shape.int(0, count - 1)}]`,
      "updated: 2026-01-20",
      `category: ${shape.pick(WORDS)}`,
      "---",
      atomBody(shape, id),
      "",
    ].join("\n");
    const file = path.join(dir, "atoms", `part-${Math.floor(i / 100)}`, `${id}.md`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  }
  mkdirSync(path.join(dir, "profiles"), { recursive: true });
  writeFileSync(path.join(dir, "profiles", "all.yaml"), "output: all.txt\nwrapper: CORPUS\ninclude: ['**/*.md']\n");
  // About a quarter of the full text: every atom at least briefed, many kept whole.
  const budget = Math.round(bytes / 4 / 4);
  writeFileSync(path.join(dir, "profiles", "tight.yaml"), `output: tight.txt\nwrapper: CORPUS\nbudget: ${budget}\ninclude: ['**/*.md']\n`);
  return { atoms: count, bytes, tags };
}
