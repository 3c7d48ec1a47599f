/**
 * The import rules of llmsgen's code (`npm run deps`, part of `npm test`).
 * Stages live in folders and import only downward:
 *
 *   model.ts errors.ts hash.ts version.ts      the base: types, errors, hashing,
 *   read-regular.ts                            reading a file that may be a FIFO
 *   cache/  render/                            cache files; the output grammar
 *   load/   pack/                              read and check input; budgets and counts
 *   sync/   write/  examples/ scaffold/        findings and adoption; every file write; code blocks; init's files
 *   build.ts plan-build.ts adopt.ts …          orchestrators (src/*.ts)
 *   cli/    index.ts                           the command line; the public API
 *
 * Type-only imports count: a stage that needs an orchestrator's type needs
 * that type in model.ts instead.
 */
const STAGES = "^src/(cache|render|load|pack|sync|write|examples|scaffold)/";
const ORCHESTRATORS = "^src/(?!(model|errors|hash|version|read-regular)\\.ts$)[^/]+\\.ts$";

/** `from` may not import any of `to` (folder names below src/). */
const below = (from, to, comment) => ({
  name: `${from}-imports-downward`,
  comment,
  severity: "error",
  from: { path: `^src/${from}/` },
  to: { path: `^src/(${to.join("|")})/` },
});

module.exports = {
  forbidden: [
    { name: "no-circular", comment: "modules never import each other in a cycle", severity: "error", from: {}, to: { circular: true } },
    {
      name: "stage-imports-orchestrator",
      comment: "a stage never imports an orchestrator (src/*.ts other than the base)",
      severity: "error",
      from: { path: STAGES },
      to: { path: ORCHESTRATORS },
    },
    {
      name: "nothing-imports-cli",
      comment: "the command line is the top: only index.ts re-exports it",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(cli/|index\\.ts$)" },
      to: { path: "^src/cli/" },
    },
    below("cache", ["render", "load", "pack", "sync", "write"], "the cache knows files and entries, not the stages that ask it for values"),
    below("render", ["cache", "load", "pack", "sync", "write"], "the output grammar stands on the base alone"),
    below("load", ["pack", "sync", "write"], "reading input needs no packing, checking or writing"),
    below("pack", ["load", "sync", "write"], "packing takes loaded values; it never reads or writes"),
    below("sync", ["pack", "write"], "checking and adopting plan; they never pack or write"),
    below("write", ["cache", "render", "pack", "sync"], "writing takes bytes to write; it decides nothing"),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
