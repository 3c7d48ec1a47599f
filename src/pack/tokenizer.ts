import { get_encoding, type Tiktoken } from "tiktoken";
import type { Encoding } from "../model.js";

const MEMO_LIMIT = 64 * 1024;

/** Counts tokens of a text exactly; special-token strings count as ordinary text. */
export type CountTokens = (text: string) => number;

/**
 * The project's one tiktoken import. Holds one encoder per encoding for the
 * length of a run (encoders are WASM objects: create once, free once) and
 * remembers counts of texts it has already seen.
 */
export class Tokenizers {
  private readonly encoders = new Map<Encoding, { encoder: Tiktoken; counts: Map<string, number> }>();

  /** A counter for `encoding`; the encoder is created on first use. */
  counter(encoding: Encoding): CountTokens {
    let entry = this.encoders.get(encoding);
    if (!entry) {
      entry = { encoder: get_encoding(encoding), counts: new Map() };
      this.encoders.set(encoding, entry);
    }
    const { encoder, counts } = entry;
    return (text) => {
      let count = counts.get(text);
      if (count === undefined) {
        // encode_ordinary: `<|endoftext|>` in a document is text, not a control token.
        count = encoder.encode_ordinary(text).length;
        // Whole files are recounted after every budget step and never repeat; keep only small texts.
        if (text.length <= MEMO_LIMIT) counts.set(text, count);
      }
      return count;
    };
  }

  /** Releases every encoder; the counters handed out must not be used afterwards. */
  free(): void {
    for (const { encoder } of this.encoders.values()) encoder.free();
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
