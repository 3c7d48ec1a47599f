import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { get_encoding } from "tiktoken";
import { describe, expect, it } from "vitest";
import type { SyncReport } from "../../src/model.js";
import { parseOutput } from "../../src/render/parse-output.js";
import { atom, builtCopy, makeProject, runCli, snapshotTree } from "../helpers.js";

/** A sections profile with every part of the frame: wrapper attributes from package.json, a preamble, no final newline. */
const FILES = {
  "package.json": '{ "name": "kit", "version": "0.9.0" }\n',
  "atoms/setup.md": atom({ id: "setup", title: "Setup", brief: "Set it up." }, "Install the kit, then run it once."),
  "atoms/usage.md": atom({ id: "usage", title: "Usage", brief: "Use it." }, "Call the kit from any script."),
  "profiles/kit.yaml": [
    "output: kit.txt",
    "wrapper: KIT",
    "attributes:",
    '  version: "${package.version}"',
    '  title: "Tips <& tricks> for \\"kit\\""',
    "preamble: |",
    "  Two sections.",
    "  Read both.",
    "final_newline: false",
    "sections:",
    "  - tag: SETUP",
    "    atoms: [setup]",
    "  - tag: USAGE",
    "    atoms: [usage]",
    "",
  ].join("\n"),
};
const BUILT = [
  '<KIT version="0.9.0" title="Tips &lt;&amp; tricks&gt; for &quot;kit&quot;">',
  "",
  "Two sections.",
  "Read both.",
  "",
  "<SETUP>",
  "Install the kit, then run it once.",
  "</SETUP>",
  "",
  "<USAGE>",
  "Call the kit from any script.",
  "</USAGE>",
  "",
  "</KIT>",
].join("\n");

async function built(): Promise<string> {
  const { project, build: run } = await builtCopy(FILES);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  expect(readFileSync(path.join(project, "out/kit.txt"), "utf8")).toBe(BUILT);
  return project;
}

async function findings(project: string): Promise<{ kind: string; line: number; message: string; tag?: string }[]> {
  const run = await runCli(["sync-check", "--format", "json"], { cwd: project });
  return (JSON.parse(run.stdout) as SyncReport).files.flatMap((file) => file.findings.map(({ kind, line, message, tag }) => ({ kind, line, message, ...(tag ? { tag } : {}) })));
}

function rewrite(project: string, change: (text: string) => string): string {
  const file = path.join(project, "out/kit.txt");
  const text = change(readFileSync(file, "utf8"));
  writeFileSync(file, text);
  return text;
}

describe("the frame of a sections profile: attributes, preamble, final newline", () => {
  it("renders escaped attributes, the preamble and no final newline, and checks clean", async () => {
    const project = await built();
    expect(await findings(project)).toEqual([]);
  });

  it("parses a wrapper line with attributes as the wrapper", () => {
    const parsed = parseOutput(BUILT, { wrapper: "KIT" });
    expect(parsed.wrapper).toEqual({ tag: "KIT", open: 1, close: 14 });
    expect(parsed.sections.map((section) => [section.tag, section.open])).toEqual([["SETUP", 6], ["USAGE", 10]]);
    expect(parsed.malformed).toEqual([]);
    expect(parsed.finalNewline).toBe(false);
  });

  it("reports a changed attribute, a changed preamble and an added final newline as stray, and build refuses them", async () => {
    const project = await built();
    rewrite(project, (text) => `${text.replace('version="0.9.0"', 'version="1.0.0"').replace("Read both.", "Read both, in order.")}\n`);

    expect(await findings(project)).toEqual([
      { kind: "stray", line: 1, message: "the wrapper's opening line differs from what a build writes (its attributes come from the profile): change the profile's attributes, or undo the edit" },
      { kind: "stray", line: 4, message: "text outside any section differs from what a build writes: put it inside a section, or remove it" },
      { kind: "stray", line: 14, message: "the file ends with a newline, which a build does not write (the profile says final_newline: false)" },
    ]);
    const before = snapshotTree(project);
    expect((await runCli(["build"], { cwd: project })).code).toBe(1);
    expect(snapshotTree(project)).toEqual(before);
    const adopt = await runCli(["sync", "--adopt"], { cwd: project });
    expect(adopt.code).toBe(1);
    expect(snapshotTree(project)).toEqual(before);
  });

  it("adopts a section edit and rebuilds the file byte for byte, frame included", async () => {
    const project = await built();
    const edited = rewrite(project, (text) => text.replace("then run it once.", "then run it twice."));

    expect(await findings(project)).toEqual([{ kind: "edited", line: 6, tag: "SETUP", message: "<SETUP> was edited by hand since the last build: keep the edit with llmsgen sync --adopt, or discard it with llmsgen build --force" }]);
    expect((await runCli(["sync", "--adopt"], { cwd: project })).code).toBe(0);
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    expect(readFileSync(path.join(project, "out/kit.txt"), "utf8")).toBe(edited);
    expect(await findings(project)).toEqual([]);
  });

  it("reports a section missing after the preamble at the line where it would go", async () => {
    const project = await built();
    rewrite(project, (text) => text.replace("<SETUP>\nInstall the kit, then run it once.\n</SETUP>\n\n", ""));

    expect((await findings(project)).map(({ kind, line, tag }) => ({ kind, line, tag }))).toEqual([{ kind: "missing", line: 6, tag: "SETUP" }]);
  });

  it("writes an index without a final newline when its profile says so", async () => {
    const project = makeProject({ ...FILES, "profiles/llms.yaml": "output: llms.txt\nfinal_newline: false\nindex:\n  title: Kit\n  summary: The kit.\n" });
    expect((await runCli(["build"], { cwd: project })).code).toBe(0);
    const encoder = get_encoding("o200k_base");
    const tokens = encoder.encode_ordinary(readFileSync(path.join(project, "out/kit.txt"), "utf8")).length;
    encoder.free();
    expect(readFileSync(path.join(project, "out/llms.txt"), "utf8")).toBe(`# Kit\n\n> The kit.\n\n## Docs\n\n- [kit.txt](kit.txt): kit (${tokens} tokens)`);
    expect((await runCli(["sync-check"], { cwd: project })).code).toBe(0);
  });
});
