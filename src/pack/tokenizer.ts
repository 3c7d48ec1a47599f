import { createRequire } from "node:module";
import type { Tiktoken } from "tiktoken";
import type { Encoding } from "../model.js";

// Loaded on the first count, not with the module: a build whose counts all come
// from the cache (a warm build) never loads the tokenizer's code (~20 ms).
const require = createRequire(import.meta.url);
let tiktoken: typeof import("tiktoken") | undefined;

function getEncoding(encoding: Encoding): Tiktoken {
  if (!tiktoken) {
    const loaded: typeof import("tiktoken") = require("tiktoken");
    tiktoken = loaded;
  }
  return tiktoken.get_encoding(encoding);
}

/** Counts tokens of a text exactly; special-token strings count as ordinary text. */
export type CountTokens = (text: string) => number;

/**
 * The project's one tiktoken import. Holds one encoder per encoding for the
 * length of a run (encoders are WASM objects: create once, free once), made
 * only when a text actually has to be counted: a run whose counts all come
 * from the cache never pays for loading the tokenizer.
 */
export class Tokenizers {
  private readonly encoders = new Map<Encoding, Tiktoken>();

  /** A counter for `encoding`; its encoder is created on the first count. */
  counter(encoding: Encoding): CountTokens {
    return (text) => {
      let encoder = this.encoders.get(encoding);
      if (!encoder) {
        encoder = getEncoding(encoding);
        this.encoders.set(encoding, encoder);
      }
      // encode_ordinary: `<|endoftext|>` in a document is text, not a control token.
      return encoder.encode_ordinary(text).length;
    };
  }

  /** Releases every encoder; the counters handed out must not be used afterwards. */
  free(): void {
    for (const encoder of this.encoders.values()) encoder.free();
    this.encoders.clear();
  }
}

/** Runs `work` with a fresh set of encoders and frees them afterwards, whatever happens. */
export function withTokenizers<T>(work: (tokenizers: Tokenizers) => T): T {
  const tokenizers = new Tokenizers();
  try {
    return work(tokenizers);
  } finally {
    tokenizers.free();
  }
}
