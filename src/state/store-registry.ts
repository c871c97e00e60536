// State stage: the stores of one task and what they do together (pending changes, fold, rollback,
// restore). Shared by the in-memory and RocksDB implementations; deterministic order everywhere.

import { OverlayStore, type WriteGuard } from "./overlay-store.ts";
import type { Checkpoint, StoreChange } from "./store.ts";

/** The named stores of one task, created on first use, listed in name order. */
export class StoreRegistry {
  readonly guard: WriteGuard = { committing: false };
  private readonly stores = new Map<string, OverlayStore>();
  private sorted: OverlayStore[] | null = null;

  store(name: string): OverlayStore {
    let store = this.stores.get(name);
    if (store === undefined) {
      if (typeof name !== "string" || name === "")
        throw new TypeError("a store name must be a non-empty string");
      store = new OverlayStore(name, this.guard);
      this.stores.set(name, store);
      this.sorted = null;
    }
    return store;
  }

  /** Stores in name order (the order of pendingChanges and of durable writes). */
  all(): readonly OverlayStore[] {
    if (this.sorted === null) {
      this.sorted = [...this.stores.values()].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    }
    return this.sorted;
  }

  pendingChanges(): StoreChange[] {
    const out: StoreChange[] = [];
    for (const store of this.all()) store.collectChanges(out);
    return out;
  }

  fold(): void {
    for (const store of this.all()) store.fold();
  }

  rollback(): void {
    for (const store of this.all()) store.dropOverlay();
  }

  /**
   * Restores go straight to the committed base, so they are only sound with no uncommitted writes:
   * a pending delete or put of the same key would hide or undo them. Refused otherwise.
   */
  applyRestored(changes: readonly StoreChange[], durable: boolean): void {
    const dirty = this.all().find((s) => s.overlaySize() > 0);
    if (dirty !== undefined) {
      throw new Error(
        `store ${dirty.name}: restore over uncommitted writes (commit or roll back before restoring)`,
      );
    }
    for (const change of changes) this.store(change.store).applyToBase(change.key, change.value, durable);
  }
}

/** A deep copy of a checkpoint (JSON-shaped), so callers cannot change what was recorded. */
export function copyCheckpoint(checkpoint: Checkpoint): Checkpoint {
  return structuredClone(checkpoint);
}
