/** The read+hash floor: read every atom file and sha256 it, as a warm build must at least do. */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2] as string;
const hash = createHash("sha256");
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith(".md")) hash.update(createHash("sha256").update(readFileSync(path.join(entry.parentPath, entry.name))).digest());
}
console.log(hash.digest("hex"));
