import { Writable } from "node:stream";
import { createRequire } from "node:module";
import type { SingleBar } from "cli-progress";
import type { Progress, ProgressCallback } from "../model.js";
import type { OutStream } from "./style.js";

// Loaded when a progress bar is first shown (a terminal, a large build), not with the CLI.
const require = createRequire(import.meta.url);

/** Nothing is drawn for runs shorter than this: quick builds print nothing extra. */
export const PROGRESS_DELAY_MS = 1000;

const LABELS: Record<Progress["stage"], string> = { count: "counting tokens", pack: "packing profiles" };

export interface ProgressDisplay {
  update: ProgressCallback;
  /** Removes the bar (if one was drawn), leaving the line as it was. */
  stop(): void;
}

/**
 * A progress bar on a terminal `stream`, drawn by cli-progress once a run has
 * taken PROGRESS_DELAY_MS by `now`. Builds run synchronously, so the bar is
 * redrawn from the updates themselves (cli-progress's synchronous updates),
 * at most ten times a second; it is cleared when the run ends.
 */
export function progressDisplay(stream: OutStream, now: () => number): ProgressDisplay {
  const started = now();
  let bar: SingleBar | undefined;
  let stage: Progress["stage"] | undefined;
  return {
    update(progress) {
      if (!bar) {
        if (now() - started < PROGRESS_DELAY_MS) return;
        const cliProgress: typeof import("cli-progress") = require("cli-progress");
        bar = new cliProgress.SingleBar({
          stream: new TerminalWriter(stream),
          format: "{stage} {bar} {percentage}% {value}/{total}",
          barsize: 30,
          barCompleteChar: "█",
          barIncompleteChar: "░",
          clearOnComplete: true,
          hideCursor: false,
          gracefulExit: false,
        });
        bar.start(progress.total, progress.done, { stage: LABELS[progress.stage] });
        stage = progress.stage;
        return;
      }
      if (progress.stage !== stage) {
        stage = progress.stage;
        bar.setTotal(progress.total);
      }
      bar.update(progress.done, { stage: LABELS[progress.stage] });
    },
    stop() {
      bar?.stop();
    },
  };
}

/** The CLI's injected stream as the Node stream cli-progress writes to: every write passes straight through. */
class TerminalWriter extends Writable {
  readonly isTTY = true;
  readonly columns: number;

  constructor(private readonly target: OutStream) {
    super({ decodeStrings: false });
    this.columns = target.columns ?? 80;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.target.write(String(chunk));
    callback();
  }
}
