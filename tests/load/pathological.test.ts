import { readFileSync } from "node:fs";
import path from "node:path";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import { atom, makeProject, runCli, snapshotTree } from "../helpers.js";

const PROFILE = "output: out.txt\nsections:\n  - tag: NOTES\n    atoms: [big]\n";

describe("pathological atoms are built quickly or refused, never a hang", () => {
  it("refuses a 1 MB run of one character, naming the file, the line and the limit", async () => {
    const project = makeProject({
      "profiles/p.yaml": PROFILE,
      "atoms/big.md": atom({ id: "big", title: "Big", brief: "Big." }, `Intro line.\n\n${"a".repeat(1_000_000)}\n`),
    });
    const before = snapshotTree(project);

    const run = await runCli(["build"], { cwd: project });

    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "atoms/big.md:8: a run of 1000000 letters with no break is over the limit of 10000 characters (tokenizing such a run takes quadratic time): break it up\n",
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("refuses long runs of spaces and of punctuation too, and lint reports them", async () => {
    const project = makeProject({
      "profiles/p.yaml": PROFILE,
      "atoms/big.md": atom({ id: "big", title: "Big", brief: "Big." }, `${" ".repeat(20_000)}x\n${"=".repeat(30_000)}`),
    });

    const run = await runCli(["lint"], { cwd: project });

    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      "atoms/big.md:7: error: a run of 30000 punctuation with no break is over the limit of 10000 characters (tokenizing such a run takes quadratic time): break it up\nlint: 1 error, 0 warnings\n",
    );
  });

  it("builds an atom of 100,000 tiny lines, with its exact token count", async () => {
    const project = makeProject({
      "profiles/p.yaml": PROFILE,
      "atoms/big.md": atom({ id: "big", title: "Big", brief: "Big." }, Array.from({ length: 100_000 }, (_, i) => `l${i % 10}`).join("\n")),
    });

    const run = await runCli(["build", "--json"], { cwd: project });

    expect(run.code).toBe(0);
    const written = readFileSync(path.join(project, "out/out.txt"), "utf8");
    const encoder = get_encoding("o200k_base");
    const tokens = encoder.encode_ordinary(written).length;
    encoder.free();
    expect((JSON.parse(run.stdout) as { profiles: { tokens: number }[] }).profiles[0]?.tokens).toBe(tokens);
  });
});
