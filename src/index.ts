/** llmsgen's library API. */
export { build, type BuildOptions, type BuildResult } from "./build.js";
export { InputError, LlmsgenError, formatIssue } from "./errors.js";
export { main, EXIT, type CliDeps } from "./cli/main.js";
export type { ProfileReport, SectionReport, AtomReport } from "./pack/plan-report.js";
export * from "./model.js";
