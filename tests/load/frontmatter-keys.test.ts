import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { build } from "../../src/build.js";
import { lint } from "../../src/lint.js";
import { makeProject, runCli, snapshotTree } from "../helpers.js";

const PROFILE = "output: a.txt\nsections:\n  - tag: A\n    atoms: [a]\n";
const head = "---\nid: a\ntitle: A\nbrief: B.\n";
const misspelt = (key: string, meant: string) =>
  `unknown frontmatter key '${key}' (did you mean '${meant}'?): llmsgen would silently ignore it; fix the spelling, or declare the key known if another tool reads it`;

describe("frontmatter keys are checked like profile keys", () => {
  it("refuses keys within two edits of llmsgen's own, all at once, each at its line", async () => {
    const project = makeProject({ "atoms/a.md": `${head}requird: true\npriorty: 99\ntga: SETUP\nrelatd: [b]\n---\nText.\n`, "profiles/p.yaml": PROFILE });
    const before = snapshotTree(project);

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: [`atoms/a.md:5: ${misspelt("requird", "required")}`, `atoms/a.md:6: ${misspelt("priorty", "priority")}`, `atoms/a.md:7: ${misspelt("tga", "tag")}`, `atoms/a.md:8: ${misspelt("relatd", "related")}`, ""].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
    // The same errors in lint, which exits 1 with them.
    const run = await runCli(["lint"], { cwd: project });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`atoms/a.md:7: error: ${misspelt("tga", "tag")}\n`);
  });

  it("refuses llmsgen's keys written in another case, which YAML would keep apart and llmsgen ignore", async () => {
    const project = makeProject({ "atoms/a.md": `${head}REQUIRED: true\nPriority: 99\nTags: [x]\n---\nText.\n`, "profiles/p.yaml": PROFILE });
    const before = snapshotTree(project);

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: [`atoms/a.md:5: ${misspelt("REQUIRED", "required")}`, `atoms/a.md:6: ${misspelt("Priority", "priority")}`, ""].join("\n"),
    });
    expect(snapshotTree(project)).toEqual(before);
  });

  it("never flags the common keys of other tools, though some are close to llmsgen's", async () => {
    const others = ["tags: [x]", "toc: true", "lang: en", "kind: page", "hide: [toc]", "uid: a1", "category: c", "categories: [c]", "parent: p", "slug: s", "description: d", "keywords: [k]", "date: 2026-01-05", "draft: false", "weight: 3", "sidebar_position: 2", "type: docs", "layout: doc"];
    const project = makeProject({ "atoms/a.md": `${head}${others.join("\n")}\n---\nText.\n`, "profiles/p.yaml": PROFILE });

    expect(await runCli(["build"], { cwd: project })).toMatchObject({ code: 0, stderr: "" });
    expect(await runCli(["lint"], { cwd: project })).toEqual({ code: 0, stdout: "lint: 0 errors, 0 warnings\n", stderr: "" });
  });

  it("accepts a key the project declares known, and a cache never hides the error once it is no longer declared", async () => {
    const project = makeProject({ "atoms/a.md": `${head}tga: custom\n---\nText.\n`, "profiles/p.yaml": PROFILE });

    expect(build({ cwd: project, knownKeys: ["tga"] }).written).toBe(true);
    expect(readFileSync(path.join(project, "out/a.txt"), "utf8")).toBe("<A>\nText.\n</A>\n");
    expect(lint({ cwd: project, knownKeys: ["tga"] })).toEqual({ issues: [], errors: 0, warnings: 0 });
    // The parsed atom is cached now; without the declaration the key reads as a misspelling again.
    expect(await runCli(["build"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: `atoms/a.md:5: ${misspelt("tga", "tag")}\n` });
  });

  it("refuses values of the wrong type, each at its line", async () => {
    const project = makeProject({ "atoms/a.md": `---\nid: a\ntitle: 5\nbrief: B.\nrequired: "yes"\npriority: high\nrelated: b\nupdated: 2026-1-5\n---\nText.\n`, "profiles/p.yaml": PROFILE });

    expect(await runCli(["build"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "atoms/a.md:3: frontmatter.title must be a non-empty string, got 5",
        'atoms/a.md:5: frontmatter.required must be true or false, got "yes"',
        'atoms/a.md:6: frontmatter.priority must be a whole number from 0 to 100, got "high"',
        'atoms/a.md:7: frontmatter.related must be a list of atom ids, got "b"',
        'atoms/a.md:8: frontmatter.updated must be a date written YYYY-MM-DD, got "2026-1-5"',
        "",
      ].join("\n"),
    });
  });

  it("lets other keys through, and lint lists each once with the number of atoms carrying it", async () => {
    const project = makeProject({
      "atoms/a.md": `${head}qa_tier: 2\n---\nText.\n`,
      "atoms/b.md": "---\nid: b\ntitle: B\nbrief: B.\nowner: me\nqa_tier: 1\n---\nText.\n",
      "atoms/c.md": "---\nid: c\ntitle: C\nbrief: C.\nqa_tier: 3\n---\nText.\n",
      "profiles/p.yaml": "output: a.txt\nsections:\n  - tag: A\n    atoms: [a, b, c]\n",
    });

    expect(await runCli(["build"], { cwd: project })).toMatchObject({ code: 0, stderr: "" });
    expect(await runCli(["lint"], { cwd: project })).toEqual({
      code: 0,
      stdout: [
        "atoms/a.md:5: warning: frontmatter key 'qa_tier' is not one llmsgen reads, so it is ignored (3 atoms, first here)",
        "atoms/b.md:5: warning: frontmatter key 'owner' is not one llmsgen reads, so it is ignored (1 atom)",
        "lint: 0 errors, 2 warnings",
        "",
      ].join("\n"),
      stderr: "",
    });
    expect(lint({ cwd: project, knownKeys: ["qa_tier", "owner"] }).warnings).toBe(0);
  });
});
