import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../../src/model.js";
import { atom, makeProject, runCli } from "../helpers.js";

const FILES = {
  "atoms/keys.md": atom({ id: "keys", title: "Keys", brief: "Rotate keys." }, "Rotate signing keys every ninety days."),
  "atoms/audit.md": atom({ id: "audit", title: "Audit", brief: "Log changes." }, "Every change is logged with its author."),
  "profiles/keys.yaml": "output: keys.txt\nsections:\n  - tag: KEYS\n    atoms: [keys]\n",
  "profiles/audit.yaml": "output: audit.txt\nsections:\n  - tag: AUDIT\n    atoms: [audit]\n",
};

function recorded(project: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(project, "out/llmsgen.lock.json"), "utf8")) as Manifest;
  return Object.entries(manifest.outputs).map(([output, entry]) => `${output} ← ${entry.profile}`);
}

describe("the manifest's entries", () => {
  it("are kept for profiles a partial build did not build, and pruned by a full build once their profile is gone", async () => {
    const project = makeProject(FILES);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(recorded(project)).toEqual(["audit.txt ← audit", "keys.txt ← keys"]);

    rmSync(path.join(project, "profiles/audit.yaml"));
    expect((await runCli(["build", "--profile", "keys"], { cwd: project })).code).toBe(0);
    expect(recorded(project)).toEqual(["audit.txt ← audit", "keys.txt ← keys"]);

    expect(await runCli(["build", "--check", "--quiet"], { cwd: project })).toEqual({ code: 1, stdout: "out/llmsgen.lock.json\n", stderr: "" });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(recorded(project)).toEqual(["keys.txt ← keys"]);
  });
});
