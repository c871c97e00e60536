// State stage: typed errors of the durable stores, so the runner can tell "rebuild this state
// from the changelog" (corrupt) from "someone else has it open" (locked) and from plain bugs.

/** The local state directory cannot be read as Vigil state: wipe it (wipeStateDir) and restore from the changelog. */
export class CorruptStateError extends Error {
  readonly dir: string;

  constructor(dir: string, message: string, options?: { cause?: unknown }) {
    super(`corrupt state in ${dir}: ${message}`, options);
    this.name = "CorruptStateError";
    this.dir = dir;
  }
}

/** The state directory is locked by another open handle (this process or another): do not wipe it. */
export class StateLockedError extends Error {
  readonly dir: string;

  constructor(dir: string, options?: { cause?: unknown }) {
    super(`state in ${dir} is locked by another open handle`, options);
    this.name = "StateLockedError";
    this.dir = dir;
  }
}

/**
 * The synchronous path read a store entry that the bounded cache does not hold and was not asked
 * to prefetch: a bug in an operator's declared state needs, never answered with a guess.
 */
export class StateMissError extends Error {
  readonly store: string;
  readonly key: string;

  constructor(store: string, key: string) {
    super(`store ${store}: key ${JSON.stringify(key)} was read but not prefetched (state cache miss)`);
    this.name = "StateMissError";
    this.store = store;
    this.key = key;
  }
}
