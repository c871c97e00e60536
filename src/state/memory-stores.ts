// State stage: TaskStateStores held only in memory (embedded runs, tests). commit() folds the overlay
// into the base and records the checkpoint on this object, so closing and reopening it resumes.

import type { Checkpoint, KeyValueStore, StoreChange, TaskStateStores } from "./store.ts";
import { copyCheckpoint, StoreRegistry } from "./store-registry.ts";

/**
 * In-memory task stores: nothing survives the process, but the object itself survives close():
 * `open()` again returns the last committed checkpoint and state (uncommitted writes are dropped).
 * Stores may be used before open() (state starts empty).
 */
export function createMemoryTaskStores(): TaskStateStores {
  return new MemoryTaskStores();
}

class MemoryTaskStores implements TaskStateStores {
  private readonly registry = new StoreRegistry();
  private checkpoint: Checkpoint | null = null;

  async open(): Promise<Checkpoint | null> {
    return this.checkpoint === null ? null : copyCheckpoint(this.checkpoint);
  }

  store(name: string): KeyValueStore {
    return this.registry.store(name);
  }

  pendingChanges(): readonly StoreChange[] {
    return this.registry.pendingChanges();
  }

  async commit(checkpoint: Checkpoint): Promise<void> {
    const copy = copyCheckpoint(checkpoint);
    this.registry.fold();
    this.checkpoint = copy;
  }

  rollback(): void {
    this.registry.rollback();
  }

  applyRestored(changes: readonly StoreChange[]): void {
    this.registry.applyRestored(changes, true);
  }

  async close(): Promise<void> {
    this.registry.rollback();
  }
}
