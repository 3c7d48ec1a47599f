import type { Explanation } from "../explain.js";
import { formatReason } from "./report-build.js";
import { json, type Format } from "./report-format.js";
import { formatCount, type Style } from "./style.js";

/** Where an atom goes in each profile and what happened to it there; JSON is the Explanation as it is. */
export function formatExplanation(explanation: Explanation, format: Exclude<Format, "github">, style: Style): string {
  if (format === "json") return json(explanation);
  const { atom, placements, absent } = explanation;
  const lines = [`${style.bold(atom.id)}: ${atom.title} (${atom.path}), tag ${atom.tag}, priority ${atom.priority}${atom.required ? ", required" : ""}`];
  for (const place of placements) {
    const fate = place.state === "dropped" ? "dropped" : `${place.state}, ${formatCount(place.tokens)} tokens`;
    const why = place.reason ? ` (${formatReason(place.reason)})` : place.required ? " (required: never degraded)" : "";
    const via = place.part === undefined ? "" : ` (in part ${place.part})`;
    const line = `  ${place.profile} → ${place.output}${via}: section ${place.section}, atom ${place.position} of ${place.of}: ${fate}${why}`;
    lines.push(place.state === "dropped" ? style.red(line) : place.state === "brief" ? style.yellow(line) : line);
  }
  if (placements.length === 0) lines.push("  in no profile: no section lists it and no include glob matches it");
  if (absent.length > 0 && placements.length > 0) lines.push(`  not in: ${absent.join(", ")}`);
  return `${lines.join("\n")}\n`;
}
