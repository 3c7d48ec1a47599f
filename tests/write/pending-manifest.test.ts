import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveLayout } from "../../src/load/layout.js";
import { loadManifest } from "../../src/load/load-manifest.js";
import type { ManifestOutput } from "../../src/model.js";
import { manifestJson } from "../../src/write/manifest-json.js";
import { sha256 } from "../../src/hash.js";
import { makeProject } from "../helpers.js";

const entry = (text: string, tag: string): ManifestOutput => ({
  profile: "p",
  encoding: "o200k_base",
  tokens: 3,
  sha256: sha256(text),
  sections: [{ tag, sha256: sha256(`<${tag}>`), tokens: 3, atoms: [] }],
});

describe("a manifest left with pending entries by a killed build", () => {
  it("is settled against the disk: an output holding its pending bytes takes the pending entry, the others keep the last build's", () => {
    const root = makeProject({ "out/written.txt": "new text\n", "out/not-yet.txt": "old text\n" });
    const last = { "written.txt": entry("old text\n", "OLD"), "not-yet.txt": entry("old text\n", "OLD") };
    const pending = { "written.txt": entry("new text\n", "NEW"), "not-yet.txt": entry("new text\n", "NEW"), "gone.txt": entry("new text\n", "NEW") };
    const layout = resolveLayout({ root });
    writeFileSync(path.join(root, "out/llmsgen.lock.json"), manifestJson({ version: 1, outputs: last, pending }));

    expect(loadManifest(layout)).toEqual({ version: 1, outputs: { "written.txt": pending["written.txt"], "not-yet.txt": last["not-yet.txt"] } });
  });

  it("naming a pending output outside the out dir is not a manifest llmsgen wrote: bad input, and nothing is read there", () => {
    const root = makeProject({ "out/llmsgen.lock.json": manifestJson({ version: 1, outputs: {}, pending: { "../secret.txt": entry("x", "X") } }) });

    expect(() => loadManifest(resolveLayout({ root }))).toThrow(
      "out/llmsgen.lock.json: not a valid llmsgen manifest (pending output '../secret.txt' lies outside the out dir): restore it from version control, or delete it (sync-check then reports drift instead of edits)",
    );
  });
});
