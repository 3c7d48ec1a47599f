/** The process floor: Node start, the CLI's imports and one tokenizer init, doing nothing else. */
import "commander";
import "diff";
import "gray-matter";
import "yaml";
import { get_encoding } from "tiktoken";

get_encoding("o200k_base").free();
