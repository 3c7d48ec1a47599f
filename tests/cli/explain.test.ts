import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, writeFiles } from "../helpers.js";
import { smallProject } from "./small-project.js";

describe("llmsgen explain", () => {
  it("tells where an atom goes in every profile, and why it was shortened where it was", async () => {
    const project = smallProject();

    expect(await runCli(["explain", "beta"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "beta: Beta (atoms/notes/beta.md), tag BETA, priority 20",
        "  small → out/small.txt: section NOTES, atom 1 of 2: brief, 4 tokens (section budget 12, priority 20, saved 21)",
        "  tags → out/tags.txt: section BETA, atom 1 of 1: full, 25 tokens",
        "",
      ].join("\n"),
    });
  });

  it("names a dropped atom's budget, and the profiles that leave it out", async () => {
    const project = smallProject();
    writeFiles(project, { "profiles/first.yaml": "output: first.txt\nsections:\n  - tag: ONLY\n    atoms: [alpha]\n" });

    expect(await runCli(["explain", "gamma"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "gamma: Gamma (atoms/notes/gamma.md), tag GAMMA, priority 10",
        "  small → out/small.txt: section NOTES, atom 2 of 2: dropped (section budget 12, priority 10, saved 8)",
        "  tags → out/tags.txt: section GAMMA, atom 1 of 1: full, 8 tokens",
        "  not in: first",
        "",
      ].join("\n"),
    });
  });

  it("takes the path of an atom file, and --profile to look at some profiles only", async () => {
    const project = smallProject();

    expect(await runCli(["explain", "atoms/alpha.md", "--profile", "tags"], { cwd: project })).toEqual({
      code: 0,
      stderr: "",
      stdout: "alpha: Alpha (atoms/alpha.md), tag ALPHA, priority 50\n  tags → out/tags.txt: section ALPHA, atom 1 of 1: full, 10 tokens\n",
    });
    // From a subfolder, with a config file to find the project by, the path is taken relative to where you are.
    writeFiles(project, { "llmsgen.config.yaml": "" });
    expect(await runCli(["explain", "alpha.md"], { cwd: path.join(project, "atoms") })).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "alpha: Alpha (atoms/alpha.md), tag ALPHA, priority 50",
        "  small → out/small.txt: section FIRST, atom 1 of 1: full, 10 tokens",
        "  tags → out/tags.txt: section ALPHA, atom 1 of 1: full, 10 tokens",
        "",
      ].join("\n"),
    });
  });

  it("prints the same as one JSON object with --format json", async () => {
    const project = smallProject();

    const run = await runCli(["explain", "beta", "--profile", "small", "--format", "json"], { cwd: project });

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({
      atom: { id: "beta", title: "Beta", path: "atoms/notes/beta.md", tag: "BETA", priority: 20, required: false },
      placements: [
        {
          profile: "small",
          output: "out/small.txt",
          section: "NOTES",
          sectionPosition: 2,
          position: 1,
          of: 2,
          state: "brief",
          tokens: 4,
          required: false,
          reason: { budget: "section", section: "NOTES", limit: 12, priority: 20, saved: 21 },
        },
      ],
      absent: [],
    });
  });

  it("refuses an unknown id with a did-you-mean (exit 2)", async () => {
    const project = smallProject();

    expect(await runCli(["explain", "gama"], { cwd: project })).toEqual({
      code: 2,
      stdout: "",
      stderr: "atoms: no atom with id 'gama' (did you mean 'gamma'?): give the id from an atom's frontmatter, or the path of its file\n",
    });
    expect(await runCli(["explain"], { cwd: project })).toEqual({ code: 2, stdout: "", stderr: "error: missing required argument 'atom'\n(run with --help for usage)\n" });
  });
});
