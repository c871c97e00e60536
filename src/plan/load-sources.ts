// Plan stage, program loading: reads the given rule files and everything they include, once each,
// parses them, and reports a missing include at its `include` and include cycles. Never throws.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, resolve } from "node:path";
import type * as ast from "../dsl/ast/index.ts";
import { diagnostic } from "../dsl/diagnostics/catalogue.ts";
import type { Diagnostic } from "../dsl/diagnostics/diagnostic.ts";
import { parse } from "../dsl/parse.ts";
import type { Span } from "../dsl/span.ts";

/** A rule file given by path (read with `readFile`) or with its text. */
export type SourceInput = string | { readonly path: string; readonly text: string };

/** Reads a file's text; undefined when it cannot be read. */
export type ReadFile = (path: string) => string | undefined;

export const readFileOrUndefined: ReadFile = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

export interface LoadedSources {
  /** Parsed files, each once, included files before the files including them. */
  readonly programs: readonly ast.Program[];
  /** Text by file name (as shown in diagnostics), for rendering. */
  readonly texts: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
  /** True when some file could not be read. */
  readonly incomplete: boolean;
}

interface LoadState {
  readonly readFile: ReadFile;
  readonly programs: ast.Program[];
  readonly texts: Map<string, string>;
  readonly diagnostics: Diagnostic[];
  /** Absolute path -> done (true) or on the include stack (false). */
  readonly status: Map<string, boolean>;
  readonly stack: string[];
  incomplete: boolean;
}

function fileSpan(file: string): Span {
  return { file, start: 0, end: 0, line: 1, col: 1 };
}

function load(st: LoadState, name: string, text: string | undefined, from: ast.IncludeDecl | null): void {
  const key = resolve(name);
  const status = st.status.get(key);
  if (status === true) return;
  if (status === false) {
    const cycle = [...st.stack.slice(st.stack.indexOf(key)), key].map((k) => (st.texts.has(k) ? k : k));
    const shown = cycle.map((k) => [...st.texts.keys()].find((n) => resolve(n) === k) ?? k);
    st.diagnostics.push(
      diagnostic("V2702", from?.path.span ?? fileSpan(name), { cycle: shown.join(" -> ") }),
    );
    return;
  }
  const body = text ?? st.readFile(name);
  if (body === undefined) {
    st.incomplete = true;
    const span = from?.path.span ?? fileSpan(name);
    st.diagnostics.push(
      diagnostic(
        "V2701",
        span,
        { path: from?.path.value ?? name },
        from === null
          ? "check the path"
          : `looked for \`${name}\` (include paths are relative to the including file)`,
      ),
    );
    return;
  }
  st.status.set(key, false);
  st.stack.push(key);
  st.texts.set(name, body);
  const parsed = parse(body, name);
  st.diagnostics.push(...parsed.diagnostics);
  for (const d of parsed.program.decls) {
    if (d.kind === "IncludeDecl") load(st, includePath(name, d.path.value), undefined, d);
  }
  st.programs.push(parsed.program);
  st.stack.pop();
  st.status.set(key, true);
}

/** The path of `include "target"` written in file `from`: relative to `from`'s folder unless absolute. */
export function includePath(from: string, target: string): string {
  return isAbsolute(target) ? normalize(target) : normalize(join(dirname(from), target));
}

/** Loads `inputs` and their includes. */
export function loadSources(
  inputs: readonly SourceInput[],
  readFile: ReadFile = readFileOrUndefined,
): LoadedSources {
  const st: LoadState = {
    readFile,
    programs: [],
    texts: new Map(),
    diagnostics: [],
    status: new Map(),
    stack: [],
    incomplete: false,
  };
  for (const input of inputs) {
    if (typeof input === "string") load(st, normalize(input), undefined, null);
    else load(st, normalize(input.path), input.text, null);
  }
  return st;
}
