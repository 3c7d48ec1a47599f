import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { build } from "../../src/build.js";
import type { PackPlan } from "../../src/model.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Every topic the security documentation ticket asks for, the atoms that
 * cover it, and terms its text must mention. The test fails when an atom
 * disappears, stops carrying a term, or is not rendered in full by `full`.
 */
const TOPICS: Record<string, { atoms: string[]; mentions: string[] }> = {
  "policy structure (policy @name = {...}, import, union)": {
    atoms: ["policy-structure"],
    mentions: ["policy @", "import policy", "union(", "locked", "authorizations", "`@base` is a reserved name"],
  },
  "policy defaults (unlabeled, rules, autosign, autoverify, trustconflict)": {
    atoms: ["policy-defaults"],
    mentions: ["unlabeled", "rules", "autosign", "autoverify", "trustconflict", 'prints: ["trusted", "untrusted"]'],
  },
  "capabilities, patterns and the danger list": {
    atoms: ["policy-capabilities"],
    mentions: ["cmd:git:*", "fs:r:", "danger", "**/*.pem", "cmd:rsync:*", "Dangerous capability requires allow.danger"],
  },
  "sources and data classification (spec-only)": { atoms: ["policy-sources"], mentions: ['"src:mcp"', "not implemented"] },
  "operations classification (category -> labels, the old direction ignored)": {
    atoms: ["policy-operations"],
    mentions: ['exfil: ["net', '{ "net:w": "exfil" }', "does nothing"],
  },
  "label flow rules: deny/allow, most specific wins, prefix matching, catchable": {
    atoms: ["label-flow-rules"],
    mentions: ["deny", "allow", "op:cmd:git", "denied =>", "locked: true"],
  },
  "built-in rules (all nine)": {
    atoms: ["builtin-rules"],
    mentions: [
      "no-secret-exfil",
      "no-sensitive-exfil",
      "no-untrusted-destructive",
      "no-untrusted-privileged",
      "no-influenced-advice",
      "no-send-to-unknown",
      "no-send-to-external",
      "no-destroy-unknown",
      "untrusted-llms-get-influenced",
    ],
  },
  "standard policies (not shipped)": { atoms: ["standard-policies"], mentions: ["@mlld/production", "@mlld/development", "@mlld/sandbox", "not shipped"] },
  "policy composition and non-bypassability": {
    atoms: ["policy-composition"],
    mentions: ["intersect", "union", "guards: false", "every layer needs an `allow` list"],
  },
  "credential flow (policy.auth, using auth:name, using @var as ENV)": {
    atoms: ["credential-flow"],
    mentions: ["auth", "using auth:", "using @stagingKey as DEPLOY_KEY", "1Password is specified but not implemented"],
  },
  "keychain policy": { atoms: ["keychain-policy"], mentions: ["keychain", "@keychain", "projectname", "mlld-box-{projectname}", "formerly `mlld-env-{projectname}`"] },
  "label categories table": { atoms: ["label-categories"], mentions: ["| Trust", "| Sensitivity", "| Risk", "| Influence", "| Destination"] },
  "trust labels and their asymmetry": { atoms: ["trust-labels"], mentions: ["trusted", "untrusted", "unlabeled"] },
  "the influenced label": { atoms: ["influence-label"], mentions: ["influenced", "untrusted-llms-get-influenced", "llm"] },
  "operation labels (policy prefix-matches, guard op: filters match exactly)": {
    atoms: ["operation-labels"],
    mentions: ["op:cmd", "net:w", "never fires"],
  },
  "label modification syntax and protected labels": {
    atoms: ["label-modification"],
    mentions: ["trusted!", "clear!", "PROTECTED_LABEL_REMOVAL"],
  },
  "the security context (@mx.labels, @mx.taint, @mx.sources)": { atoms: ["security-context"], mentions: [".mx.labels", ".mx.taint", ".mx.sources"] },
  "privileged guards": { atoms: ["privileged-guards"], mentions: ["privileged: true", "privileged-wildcard-allow"] },
  "guard bypass": { atoms: ["guard-bypass"], mentions: ["guards: false", "only", "except", "allowGuardBypass"] },
  "boxes (formerly environments): config, derivation, attenuation, snapshots (spec-only)": {
    atoms: ["box-overview"],
    mentions: ["formerly environments", "new @", "snapshot", "`env` directive became `box`"],
  },
  "box blocks (formerly env blocks)": { atoms: ["box-blocks"], mentions: ["box @", "formerly `env @cfg [ ... ]`", "`let`"] },
  "box providers": { atoms: ["env-providers"], mentions: ["@create", "@execute", "@release", "src:env:docker", "not shipped"] },
  "MCP integration": { atoms: ["mcp-integration"], mentions: ["src:mcp", "@mcpConfig", "mcp:list_issues"] },
  "signing: why and the core insight": { atoms: ["signing-basics"], mentions: ["template"] },
  "sign directive and storage": { atoms: ["sign-directive"], mentions: ["sign @", "sha256", ".sig/content/", "formerly `.mlld/sec/sigs/"] },
  "verify directive and its result": { atoms: ["verify-directive"], mentions: ["verify @", "verified", "MLLD_VERIFY_VARS", "no `method` field"] },
  "autosign policy": { atoms: ["autosign-policy"], mentions: ["autosign", "instructions", "formerly `templates`"] },
  "autoverify policy and the verify guard": { atoms: ["autoverify-policy"], mentions: ["autoverify", "@mx.tools.calls"] },
  "audit ledger": { atoms: ["audit-ledger"], mentions: [".mlld/sec/audit.jsonl", "mlld audit", "toolCall", "never `null`"] },
  "file taint tracking": { atoms: ["file-taint-tracking"], mentions: ["taint"] },
  "starter sections of the first llms-security.txt": {
    atoms: [
      "guards-basics",
      "before-guards",
      "after-guards",
      "transform-with-allow",
      "denied-handlers",
      "automatic-labels",
      "label-tracking",
      "guard-composition",
      "needs-declaration",
    ],
    mentions: [],
  },
  "the sections written by hand and lost (SIGN_VERIFY, AUTOSIGN, AUTOVERIFY, ENV_GUARDS)": {
    atoms: ["signing-basics", "autosign-policy", "autoverify-policy", "env-guards"],
    mentions: ["=> env @"],
  },
  "automatic provenance labels (src:exec renamed)": {
    atoms: ["automatic-labels"],
    mentions: ["src:cmd", "src:sh", "src:js", "src:py", "src:template", "src:exe", "formerly `src:exec`"],
  },
  // Topics new in mlld 2.0.4 and 2.0.5.
  "locked policies, and which denials are catchable": {
    atoms: ["policy-locked"],
    mentions: ["locked: true", "denied =>", "guard privileged", "hard error"],
  },
  "policy.authorizations": {
    atoms: ["policy-authorizations"],
    mentions: ["authorizations", "controlArgs", "tool:w", "with { policy: @task }", "POLICY_AUTHORIZATIONS_INVALID"],
  },
  "positional rules and known labels": {
    atoms: ["positional-rules"],
    mentions: ["known", "known:internal", "no-send-to-unknown", "no-send-to-external", "no-destroy-unknown", "first argument"],
  },
  "hierarchical risk labels": { atoms: ["risk-labels"], mentions: ["exfil:send", "destructive:targeted", "counts as"] },
  "standalone auth directive": { atoms: ["auth-directive"], mentions: ["auth @", "using auth:", "from: \"env:"] },
  "policy.env limits on boxes": { atoms: ["policy-env"], mentions: ["env:", "tools:", "allowed: false", "ENV_PROVIDER_DENIED"] },
  "box workspaces (virtual file system)": { atoms: ["box-workspaces"], mentions: ["files <@ws/>", "@ws.mx.edits", "not on disk", "net.allow"] },
  "tool provenance and toolCall audit rows": {
    atoms: ["tool-provenance"],
    mentions: [".mx.tools", "@mx.tools.history", "toolCall", "auditRef"],
  },
  "verify_all_instructions": { atoms: ["verify-all-instructions"], mentions: ["verify_all_instructions: true", "autosign", "autoverify: true"] },
  "guard context @mx.args": { atoms: ["guard-args"], mentions: ["@mx.args.url", "@mx.args.names", '@mx.args["'] },
  "checkpoint cache and guards": { atoms: ["checkpoint-guards"], mentions: [".mlld/checkpoints/", "--resume", "--fresh", "skip"] },
  "llm tool config (@mx.llm)": { atoms: ["llm-tool-config"], mentions: ["@mx.llm", "mcp__mlld_vfs__Read"] },
  "pattern: the airlock (extract, then decide)": { atoms: ["pattern-airlock"], mentions: ["untrusted-llms-get-influenced", "does not make the result trustworthy"] },
  "pattern: the signed audit guard": { atoms: ["pattern-audit-guard"], mentions: ["verify_all_instructions", "@mx.tools.calls.includes(\"verify\")"] },
  "filesystem integrity and signers": { atoms: ["filesystem-integrity"], mentions: ["filesystem_integrity", "mutable: false", "signers"] },
};

/** Tags agents already know from the first generated file: `full` must keep every one. */
const STARTER_TAGS = [
  "GUARDS",
  "POLICIES",
  "BEFORE_GUARDS",
  "AFTER_GUARDS",
  "TRANSFORM_WITH_ALLOW",
  "DENIED_HANDLERS",
  "AUTOMATIC_LABELS",
  "LABEL_TRACKING",
  "GUARD_COMPOSITION",
  "NEEDS_DECLARATION",
  "SIGN_VERIFY",
  "AUTOSIGN",
  "AUTOVERIFY",
  "ENV_GUARDS",
];

const full = build({ root: REPO, profile: ["full"], check: true }).plans[0] as PackPlan;
const rendered = new Map(full.sections.flatMap((section) => section.atoms.map((atom) => [atom.atom.id, atom] as const)));

describe("the shipped corpus covers the security documentation ticket", () => {
  it.each(Object.entries(TOPICS))("%s", (_topic, { atoms, mentions }) => {
    for (const id of atoms) expect(rendered.get(id)?.state, `${id} rendered in full by the full profile`).toBe("full");
    const text = atoms.map((id) => rendered.get(id)?.atom.text ?? "").join("\n");
    for (const term of mentions) expect(text, `one of ${atoms.join(", ")} mentions ${term}`).toContain(term);
  });

  it("renders every atom of the corpus in full, within the full profile's budget", () => {
    const all = build({ root: REPO, check: true });
    const ids = new Set(all.plans.flatMap((plan) => plan.sections.flatMap((section) => section.atoms.map((atom) => atom.atom.id))));
    expect([...rendered.keys()].sort()).toEqual([...ids].sort());
    expect([...rendered.values()].every((atom) => atom.state === "full")).toBe(true);
    expect(full.tokens).toBeLessThanOrEqual(full.profile.budget ?? Number.POSITIVE_INFINITY);
  });

  it("keeps the fourteen starter tags in the full output, policy first, then audit, then patterns", () => {
    const tags = full.sections.map((section) => section.tag);
    for (const tag of STARTER_TAGS) expect(full.text).toContain(`\n<${tag}>\n`);
    expect(tags[0]).toBe("POLICIES");
    expect(tags.indexOf("LABEL_CATEGORIES")).toBeLessThan(tags.indexOf("GUARDS"));
    expect(tags.indexOf("GUARDS")).toBeLessThan(tags.indexOf("BOX"));
    expect(tags.indexOf("MCP_INTEGRATION")).toBeLessThan(tags.indexOf("SIGN_VERIFY"));
    expect(tags.slice(-3)).toEqual(["FILE_TAINT", "PATTERN_AIRLOCK", "PATTERN_AUDIT_GUARD"]);
  });

  it("keeps the brief output within 4,000 o200k tokens with policy structure, label flow, labels and guards in full", () => {
    const brief = build({ root: REPO, profile: ["brief"], check: true }).plans[0] as PackPlan;
    expect(brief.profile.encoding).toBe("o200k_base");
    expect(brief.tokens).toBeLessThanOrEqual(4000);
    const states = new Map(brief.sections.flatMap((section) => section.atoms.map((atom) => [atom.atom.id, atom.state] as const)));
    expect(states.get("policy-structure")).toBe("full");
    expect(states.get("label-flow-rules")).toBe("full");
    expect(states.get("label-categories")).toBe("full");
    expect(states.get("guards-basics")).toBe("full");
    expect([...states.values()]).toContain("dropped");
    expect([...states.values()]).toContain("brief");
  });
});
