/** llmsgen's library API: one function per command, taking the same options as its flags. */
export { build, type BuildOptions, type BuildResult, type FilePreview } from "./build.js";
export { syncCheck, type SyncCheckOptions } from "./sync-check.js";
export { adopt, type AdoptOptions, type AdoptResult } from "./adopt.js";
export { lint, type LintIssue, type LintOptions, type LintResult } from "./lint.js";
export { explain, type AtomPlacement, type ExplainOptions, type Explanation } from "./explain.js";
export { init, type InitOptions, type InitResult } from "./init.js";
export { findConfig, loadConfigFile, type ProjectConfig } from "./load/load-config.js";
export { withConfig, type LayoutOptions } from "./load/layout.js";
export { BusyError, ConcurrentEditError, InputError, LlmsgenError, formatIssue } from "./errors.js";
export { main, EXIT, type CliDeps } from "./cli/main.js";
export type { ProfileReport, SectionReport, AtomReport, PartReport } from "./pack/plan-report.js";
export * from "./model.js";
