// DSL front end, diagnostics: the lexer's and parser's codes (V1xxx) with their message templates.
// Codes are stable: never renumber; retire a code rather than reuse it.
import type { CodeDef } from "./diagnostic.ts";

export const PARSE_CODES = {
  V1001: { severity: "error", message: "unexpected character {char}", hint: "{hint}" },
  V1002: {
    severity: "error",
    message: "unterminated string",
    hint: 'close the string with `"` on the same line',
  },
  V1003: {
    severity: "error",
    message: "invalid escape `{escape}` in string",
    hint: 'use \\", \\\\, \\n, \\t, \\r or \\u{hex digits}',
  },
  V1004: { severity: "error", message: "invalid number `{text}`" },
  V1005: {
    severity: "error",
    message: "unknown duration unit `{unit}`",
    hint: "durations are written 500ms, 30s, 10m, 1h or 7d{suggest}",
  },
  V1006: { severity: "error", message: "strings use double quotes: `{text}`", hint: "write {fixed}" },
  V1007: {
    severity: "error",
    message: "a duration takes one unit: `{text}`",
    hint: "write `{fixed}`",
  },
  V1008: {
    severity: "error",
    message: "a duration takes a whole number: `{text}`",
    hint: "{hint}",
  },
  V1010: { severity: "error", message: "expected {expected}, found {found}", hint: "{hint}" },
  V1011: {
    severity: "error",
    message: "expected a declaration, found {found}",
    hint: "a file holds `stream`, `table`, `param`, `rule` and `include` declarations{suggest}",
  },
  V1012: { severity: "error", message: "`{option}` is given twice in {what} `{name}`" },
  V1013: { severity: "error", message: "{what} `{name}` has no {missing}", hint: "{hint}" },
  V1014: {
    severity: "error",
    message: "expression or type nested or chained too deeply (more than {max} levels)",
  },
  V1015: { severity: "error", message: "`{clause}` must come before `{other}`", hint: "{hint}" },
  V1016: { severity: "error", message: "{what} {found}", hint: "{hint}" },
  V1017: { severity: "error", message: "quantifier `{text}` has its maximum below its minimum" },
  V1018: { severity: "error", message: "too many errors; stopping after {max}" },
  V1019: {
    severity: "error",
    message: "not a text file: {why}",
    hint: "a rule file is UTF-8 text; write an unusual character in a string as \\u{hex digits}",
  },
  V1099: {
    severity: "error",
    message: "internal parser error: {detail}",
    hint: "this is a bug in vigil, not in the rule file; please report it with the file",
  },
} as const satisfies Record<string, CodeDef>;

export type ParseCode = keyof typeof PARSE_CODES;
