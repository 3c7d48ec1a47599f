// Runs one llmsgen command through the compiled library in a process of its
// own, for the fault tests: `node child.mjs build|adopt ROOT [ACTION...]`,
// where each ACTION happens right after the command's Nth write:
//   kill:N          SIGKILL this process (a kill -9 between two writes)
//   hold:N:FILE     hold still (and so keep the lock) until FILE (relative to ROOT) exists
//   append:N:FILE   append a hand-written section to FILE (relative to ROOT)
// It prints each file written (relative to ROOT), then `exit CODE` or `error NAME: MESSAGE`.
// It runs dist/, which `npm test` compiles first.
import { appendFileSync, existsSync } from "node:fs";
import path from "node:path";
import { adopt, build } from "../../dist/index.js";

const [command, root, ...actions] = process.argv.slice(2);
const at = new Map(actions.map((action) => [Number(action.split(":")[1]), action]));
let writes = 0;

function afterWrite(file) {
  writes++;
  process.stdout.write(`wrote ${path.relative(root, file).split(path.sep).join("/")}\n`);
  const action = at.get(writes)?.split(":") ?? [];
  if (action[0] === "kill") process.kill(process.pid, "SIGKILL");
  while (action[0] === "hold" && !existsSync(path.join(root, action[2]))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  if (action[0] === "append") appendFileSync(path.join(root, action[2]), "\n<HAND_WRITTEN>\nWritten by hand while a build ran.\n</HAND_WRITTEN>\n");
}

try {
  const result = command === "adopt" ? adopt({ root, afterWrite }) : build({ root, afterWrite });
  const refused = command === "adopt" ? result.skipped.length > 0 : result.refused.length > 0;
  process.stdout.write(`exit ${refused ? 1 : 0}\n`);
} catch (error) {
  process.stdout.write(`error ${error.name}: ${error.message}\n`);
}
