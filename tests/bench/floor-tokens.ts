/**
 * Reference (a), the floor: read every atom file and count its tokens with
 * the same tokenizer, in one process, with nothing else. Prints the total.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { get_encoding } from "tiktoken";

const dir = process.argv[2] as string;
const encoder = get_encoding("o200k_base");
let tokens = 0;
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith(".md")) tokens += encoder.encode_ordinary(readFileSync(path.join(entry.parentPath, entry.name), "utf8")).length;
}
encoder.free();
console.log(tokens);
