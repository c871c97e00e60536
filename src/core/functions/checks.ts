// Core function catalogue, data-quality checks: assert_true lets a rule state an invariant of its
// input. A record that breaks it makes the operator throw, so the runtime dead-letters the record
// (reason operator-error, with the message) and carries on, as for any operator failure.
import { T } from "../schema.ts";
import type { Value } from "../value.ts";
import type { FunctionDef } from "./function-def.ts";

/** Thrown by assert_true; its message is what the dead letter's error header carries. */
export class AssertionFailed extends Error {
  override readonly name = "AssertionFailed";
}

export const CHECK_FUNCTIONS: readonly FunctionDef[] = [
  {
    name: "assert_true",
    params: [T.bool, T.string],
    minArgs: 1,
    returns: () => T.bool,
    handlesNull: true,
    doc: "assert_true(condition, message): true when condition is true; otherwise (false or null) the record goes to the dead-letter topic with the message",
    // An unknown (null) condition is not a kept promise, so it fails too.
    impl: (condition: Value, message: Value = null) => {
      if (condition === true) return true;
      const why = typeof message === "string" && message !== "" ? message : "condition is not true";
      throw new AssertionFailed(
        `assert_true failed: ${why}${condition === null ? " (condition is null)" : ""}`,
      );
    },
  },
];
