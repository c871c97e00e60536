// Core function catalogue, privacy: keep personal data out of alert payloads. `hash` is stable across
// runs and machines (sha256 of the value's canonical text, first 16 hex digits); `mask` keeps the last 4.
import { createHash } from "node:crypto";
import { T } from "../schema.ts";
import type { Value } from "../value.ts";
import { strict } from "./define.ts";
import type { FunctionDef } from "./function-def.ts";

/** Stable 16-hex-digit digest of a value (strings hash their text, other values their JSON). */
export function stableHash(v: Value): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}

/** Every character but the last four replaced by `*` (strings of four or fewer are fully masked). */
export function maskText(s: string): string {
  const chars = [...s];
  if (chars.length <= 4) return "*".repeat(chars.length);
  return "*".repeat(chars.length - 4) + chars.slice(-4).join("");
}

export const PRIVACY_FUNCTIONS: readonly FunctionDef[] = [
  strict("hash", [T.any], T.string, "hash(x): a stable 16-hex-digit sha256 digest of x", stableHash),
  strict("mask", [T.string], T.string, "mask(s): s with all but its last 4 characters replaced by *", (s) =>
    maskText(typeof s === "string" ? s : JSON.stringify(s)),
  ),
];
