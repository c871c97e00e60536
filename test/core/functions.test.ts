// Tests for the core function catalogue: one table row per case, null in -> null out for strict functions.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cachedRegex } from "../../src/core/functions/string.ts";
import { arity, FUNCTIONS, paramType } from "../../src/core/functions.ts";
import { T } from "../../src/core/schema.ts";
import type { Value } from "../../src/core/value.ts";

function call(name: string, ...args: Value[]): Value {
  const def = FUNCTIONS.get(name);
  assert.ok(def, `function ${name} is in the catalogue`);
  return def.impl(...args);
}

const TS = Date.UTC(2026, 10, 23, 23, 45, 0); // Monday 2026-11-23 23:45 UTC

const CASES: readonly [string, readonly Value[], Value][] = [
  ["lower", ["AbC"], "abc"],
  ["upper", ["AbC"], "ABC"],
  ["trim", ["  x "], "x"],
  ["length", ["héllo"], 5],
  ["contains", ["merchant-x", "ant"], true],
  ["contains", ["merchant-x", "zz"], false],
  ["starts_with", ["casino", "cas"], true],
  ["ends_with", ["casino", "ino"], true],
  ["ends_with", ["casino", "cas"], false],
  ["matches", ["abc123", "^[a-z]+\\d+$"], true],
  ["matches", ["abc", "^\\d+$"], false],
  ["matches", ["abc", "("], null],
  ["substring", ["abcdef", 2], "cdef"],
  ["substring", ["abcdef", 1, 3], "bcd"],
  ["concat", ["a", 1, true], "a1true"],
  ["abs", [-3.5], 3.5],
  ["abs", [4], 4],
  ["round", [2.5], 3],
  ["round", [-2.5], -3],
  ["round", [1.005, 2], 1.01],
  ["round", [1234.5678, 1], 1234.6],
  ["floor", [2.7], 2],
  ["ceil", [2.1], 3],
  ["sqrt", [9], 3],
  ["sqrt", [-1], null],
  ["min", [3, 1, 2], 1],
  ["max", [3, 1.5, 2], 3],
  ["coalesce", [null, null, "x", "y"], "x"],
  ["coalesce", [null, null], null],
  ["hour_of_day", [TS], 23],
  ["day_of_week", [TS], 1],
  ["day_of_week", [Date.UTC(2026, 10, 22, 12)], 7],
  ["day_of_month", [TS], 23],
  ["minute_of_hour", [TS], 45],
  ["days_between", [0, 86_400_000 * 1.5], 1.5],
  ["geo_distance_km", [0, 0, 0, 0], 0],
  ["geo_distance_km", [91, 0, 0, 0], null],
  ["hash", ["4111111111111111"], "9bbef19476623ca5"],
  ["mask", ["4111111111111111"], "************1111"],
  ["mask", ["abc"], "***"],
  ["to_string", [42], "42"],
  ["to_string", ["x"], "x"],
  ["to_int", ["12.9"], 12],
  ["to_int", ["nope"], null],
  ["to_float", ["1.5"], 1.5],
];

test("catalogue functions compute the documented values", () => {
  for (const [name, args, expected] of CASES) {
    assert.deepEqual(call(name, ...args), expected, `${name}(${JSON.stringify(args).slice(1, -1)})`);
  }
});

test("strict functions return null when any argument is null", () => {
  for (const def of FUNCTIONS.values()) {
    if (def.handlesNull === true) continue;
    const [min] = arity(def);
    const args: Value[] = Array.from({ length: Math.max(min, 1) }, () => "1");
    for (let i = 0; i < args.length; i++) {
      const withNull = args.map((a, j) => (j === i ? null : a));
      assert.equal(def.impl(...withNull), null, `${def.name} with null argument ${i}`);
    }
  }
});

test("geo_distance_km matches known city distances within 1%", () => {
  const parisLondon = call("geo_distance_km", 48.8566, 2.3522, 51.5074, -0.1278) as number;
  assert.ok(Math.abs(parisLondon - 343.5) / 343.5 < 0.01, `Paris-London ${parisLondon}`);
  const nySydney = call("geo_distance_km", 40.7128, -74.006, -33.8688, 151.2093) as number;
  assert.ok(Math.abs(nySydney - 15990) / 15990 < 0.01, `NY-Sydney ${nySydney}`);
});

test("hash is stable and distinguishes values", () => {
  assert.equal(call("hash", "a"), call("hash", "a"));
  assert.notEqual(call("hash", "a"), call("hash", "b"));
  assert.match(call("hash", 12) as string, /^[0-9a-f]{16}$/);
});

test("matches compiles each distinct pattern once", () => {
  assert.equal(cachedRegex("^x+$"), cachedRegex("^x+$"));
  assert.equal(cachedRegex("("), null);
});

test("signatures: return types, arity and parameter types", () => {
  const f = (n: string) => FUNCTIONS.get(n)!;
  assert.deepEqual(f("abs").returns([T.int]), T.int);
  assert.deepEqual(f("abs").returns([T.float]), T.float);
  assert.deepEqual(f("max").returns([T.int, T.float]), T.float);
  assert.deepEqual(f("coalesce").returns([T.any, T.string]), T.string);
  assert.deepEqual(f("round").returns([T.float]), T.int);
  assert.deepEqual(f("round").returns([T.float, T.int]), T.float);
  assert.deepEqual(arity(f("round")), [1, 2]);
  assert.deepEqual(arity(f("coalesce")), [1, null]);
  assert.deepEqual(paramType(f("max"), 5), T.float);
  assert.equal(paramType(f("lower"), 1), undefined);
  for (const def of FUNCTIONS.values()) assert.match(def.doc, new RegExp(`^${def.name}\\(`));
});

test("dsl/reference.md documents every catalogue function", async () => {
  const { readFileSync } = await import("node:fs");
  const ref = readFileSync(new URL("../../dsl/reference.md", import.meta.url), "utf8");
  const section = ref.slice(ref.indexOf("## Functions"), ref.indexOf("## Windows semantics"));
  for (const name of FUNCTIONS.keys()) assert.ok(section.includes(`\`${name}(`), `reference lacks ${name}`);
});
