// DSL checker diagnostics (V2xxx): names, types, declarations, windows, patterns, joins, emits and
// includes. Codes are stable: never renumber; retire a code rather than reuse it. Owned by the checker.
import type { CodeDef } from "./diagnostic.ts";

export const CHECK_CODES = {
  // names (V20xx)
  V2002: { severity: "error", message: "unknown field `{field}` in {where}", hint: "{hint}" },
  V2003: { severity: "error", message: "unknown stream `{name}`", hint: "{hint}" },
  V2004: { severity: "error", message: "unknown table `{name}`", hint: "{hint}" },
  V2005: { severity: "error", message: "unknown function `{name}`", hint: "{hint}" },
  V2006: {
    severity: "error",
    message: "{what} `{name}` is declared twice",
    hint: "first declared {first}",
  },
  V2007: { severity: "error", message: "`{name}` is not a record, so it has no field `{field}`" },
  V2008: { severity: "error", message: "unknown type `{name}`", hint: "{hint}" },
  V2009: { severity: "error", message: "`{name}` is not available after {what}", hint: "{hint}" },
  // types (V21xx)
  V2101: { severity: "error", message: "{what}: expected {expected}, found {found}", hint: "{hint}" },
  V2102: {
    severity: "error",
    message: "operator `{op}` does not apply to {left} and {right}",
    hint: "{hint}",
  },
  V2103: {
    severity: "error",
    message: "`{name}` takes {expected} argument(s), found {found}",
    hint: "{hint}",
  },
  V2104: { severity: "error", message: "{what} must be a constant literal", hint: "{hint}" },
  V2105: { severity: "error", message: "aggregate `{name}` is not allowed here", hint: "{hint}" },
  V2106: { severity: "error", message: "duration must be positive, found `{text}`" },
  V2107: {
    severity: "error",
    message: "expression is nested too deeply (more than {max} operations inside each other)",
    hint: "split it into several conditions, or several rules",
  },
  V2108: {
    severity: "error",
    message: "invalid regular expression: {message}",
    hint: "`matches` patterns are JavaScript regular expressions with the `u` flag; an invalid one never matches",
  },
  // declarations (V22xx)
  V2201: {
    severity: "error",
    message: "key field `{field}` is not in the schema of {what} `{name}`",
    hint: "{hint}",
  },
  V2202: { severity: "error", message: "event time field `{field}` must be a timestamp, found {found}" },
  V2203: {
    severity: "error",
    message: "format `{format}` is not supported",
    hint: "`json` is the only format today",
  },
  V2204: { severity: "error", message: "{what} `{name}` has no {missing}", hint: "{hint}" },
  V2205: { severity: "error", message: "default value of `{field}`: expected {expected}, found {found}" },
  V2206: {
    severity: "error",
    message: "{topic} is not a valid Kafka topic name: {reason}",
    hint: "a topic name is 1 to 249 characters from `A-Z a-z 0-9 . _ -`, and not `.` or `..`",
  },
  // windows and aggregates (V23xx)
  V2301: { severity: "error", message: "{message}", hint: "{hint}" },
  V2302: {
    severity: "error",
    message:
      "`having` can only use aggregate names, group fields, `window_start` and `window_end`; `{name}` is none of these",
    hint: "{hint}",
  },
  V2303: { severity: "error", message: "`{name}` is not an aggregate function", hint: "{hint}" },
  V2304: {
    severity: "error",
    message: "`emit {mode}` needs a window",
    hint: "without a window every record is emitted once as it comes",
  },
  V2305: {
    severity: "error",
    message:
      "a hopping window of {size} advancing by {advance} puts each record in {windows} windows (at most {max})",
    hint: "use a `sliding {size}` window (one window per record), or a larger advance",
  },
  // patterns (V24xx)
  V2401: {
    severity: "error",
    message: "step `{name}` refers to step `{other}`, which comes later",
    hint: "a condition may refer only to earlier steps and to its own step",
  },
  V2402: {
    severity: "error",
    message: "`{fn}({name})` aggregates over step `{name}`, which takes one event",
    hint: "aggregates over a step need a looping step (`{name}+`, `{name}{3,}`, ...); use `{name}.field` for a single event",
  },
  V2403: {
    severity: "error",
    message: "step `{name}` loops without bound and the pattern has neither `within` nor `until`",
    hint: "add `within 10m`: partial matches are kept until it expires (`until` on the step ends a loop, but only `within` bounds the partial matches)",
  },
  V2404: {
    severity: "error",
    message: "the pattern ends with the negated step `{name}`, which needs `within`",
    hint: "a trailing `not followed by` can only be decided when the time bound passes: add `within <duration>`",
  },
  V2405: { severity: "error", message: "{message}", hint: "{hint}" },
  V2407: {
    severity: "error",
    message: "the pattern has no `within` and {reason}: its partial matches could grow without limit",
    hint: "add `within 10m`: partial matches are kept until it expires (without `within`, every step must follow with `next` and every loop be finite and `consecutive`)",
  },
  V2406: {
    severity: "error",
    message: "skip strategy `{strategy}` names unknown step `{name}`",
    hint: "{hint}",
  },
  V2408: { severity: "error", message: "{message}", hint: "{hint}" },
  V2409: { severity: "error", message: "{message}", hint: "{hint}" },
  V2410: { severity: "error", message: "{message}", hint: "{hint}" },
  V2411: { severity: "error", message: "{message}", hint: "{hint}" },
  V2412: { severity: "warning", message: "{message}", hint: "{hint}" },
  V2413: { severity: "error", message: "{message}", hint: "{hint}" },
  // joins (V25xx)
  V2501: { severity: "error", message: "{message}", hint: "{hint}" },
  // what the Kafka worker refuses (src/plan/worker-lanes.ts: the worker's own test, so check and run agree)
  V2502: {
    severity: "error",
    message: "the Kafka worker cannot run this: {message}",
    hint: "a rule's output may feed other rules through a declared stream, but not come back to itself: emit the last rule of the cycle to another topic",
  },
  // emit (V26xx)
  V2601: {
    severity: "error",
    message: "output field `{name}` is given twice",
    hint: "rename one with `other_name: expression`",
  },
  // includes (V27xx)
  V2701: { severity: "error", message: "cannot read included file `{path}`", hint: "{hint}" },
  V2702: { severity: "error", message: "include cycle: {cycle}", hint: "remove one of the includes" },
  // internal (V29xx)
  V2999: {
    severity: "error",
    message: "internal compiler error: {message}",
    hint: "please report this with the rule file; run with --debug for details",
  },
} as const satisfies Record<string, CodeDef>;

export type CheckCode = keyof typeof CHECK_CODES;
