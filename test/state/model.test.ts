// Model test: random sequences of put/delete/get/range/prefix/scan-delete/commit/rollback/restore/
// reopen against a plain-Map model, for the in-memory and the RocksDB task stores.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import type { Value } from "../../src/core/value.ts";
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { createRocksDbTaskStores } from "../../src/state/rocksdb-stores.ts";
import type { Checkpoint, StoreChange, TaskStateStores } from "../../src/state/store.ts";
import { tempDir } from "./temp-dir.ts";

type Op =
  | { op: "put"; store: string; key: string; value: Value }
  | { op: "delete" | "get"; store: string; key: string }
  | { op: "range"; store: string; from: string; to: string }
  | { op: "prefix" | "scanDelete"; store: string; prefix: string }
  | { op: "restore"; store: string; key: string; value: Value | null }
  | { op: "commit" | "rollback" | "reopen" };

const storeName = fc.constantFrom("a", "b");
const key = fc.string({ unit: fc.constantFrom("a", "b", "c", "\u0000", "é", "\ud800"), maxLength: 3 });
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
  fc.record({ x: fc.integer(), y: fc.array(fc.integer(), { maxLength: 2 }) }, { noNullPrototype: true }),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("put" as const), store: storeName, key, value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("delete" as const), store: storeName, key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("get" as const), store: storeName, key }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("range" as const), store: storeName, from: key, to: key }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("prefix" as const), store: storeName, prefix: key }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("scanDelete" as const), store: storeName, prefix: key }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("restore" as const),
      store: storeName,
      key,
      value: fc.option(value),
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom({ op: "commit" as const }, { op: "rollback" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "reopen" as const }) },
);

type Data = Map<string, Map<string, Value>>;

/** The obviously correct model: committed maps, an overlay of last writes (null = delete), durable copies. */
class Model {
  committed: Data = new Map();
  durable: Data = new Map();
  overlay = new Map<string, Map<string, Value | null>>();
  checkpoint: Checkpoint | null = null;
  commits = 0;

  visible(store: string): Map<string, Value> {
    const out = new Map(this.committed.get(store) ?? []);
    for (const [k, v] of this.overlay.get(store) ?? []) {
      if (v === null) out.delete(k);
      else out.set(k, v);
    }
    return out;
  }

  write(store: string, k: string, v: Value | null): void {
    if (!this.overlay.has(store)) this.overlay.set(store, new Map());
    this.overlay.get(store)!.set(k, v);
  }

  /** A delete hides the key from this transaction; a key absent from the committed state leaves no trace. */
  remove(store: string, k: string): void {
    if (!this.visible(store).has(k)) return;
    if (this.committed.get(store)?.has(k)) this.write(store, k, null);
    else this.overlay.get(store)?.delete(k);
  }

  applyTo(data: Data, store: string, k: string, v: Value | null): void {
    if (!data.has(store)) data.set(store, new Map());
    if (v === null) data.get(store)!.delete(k);
    else data.get(store)!.set(k, v);
  }

  commit(): Checkpoint {
    for (const store of ["a", "b"]) this.committed.set(store, this.visible(store));
    this.overlay.clear();
    this.durable = new Map([...this.committed].map(([s, m]) => [s, new Map(m)]));
    this.commits++;
    this.checkpoint = {
      inputOffsets: { "in/0": this.commits },
      changelogOffsets: {},
      meta: { n: this.commits },
    };
    return this.checkpoint;
  }
}

function sorted(entries: Iterable<[string, Value]>): Array<[string, Value]> {
  return [...entries].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

function checkPending(model: Model, pending: readonly StoreChange[]): void {
  for (let i = 1; i < pending.length; i++) {
    const [p, q] = [pending[i - 1]!, pending[i]!];
    assert.ok(p.store < q.store || (p.store === q.store && p.key < q.key), "pending changes out of order");
  }
  for (const store of ["a", "b"]) {
    const after = new Map(model.committed.get(store) ?? []);
    for (const c of pending.filter((c) => c.store === store)) {
      assert.ok(model.overlay.get(store)?.has(c.key), `pending change to an untouched key ${c.key}`);
      if (c.value === null) after.delete(c.key);
      else after.set(c.key, c.value);
    }
    assert.deepEqual(sorted(after), sorted(model.visible(store)));
  }
}

interface Subject {
  stores: TaskStateStores;
  reopen(): Promise<TaskStateStores>;
  /** Whether restored-but-uncommitted changes survive a reopen (memory: yes; RocksDB: not durable yet). */
  keepsRestored: boolean;
}

async function runOp(s: Subject, model: Model, o: Op): Promise<void> {
  const { stores } = s;
  switch (o.op) {
    case "put":
      stores.store(o.store).put(o.key, o.value);
      return model.write(o.store, o.key, o.value);
    case "delete":
      stores.store(o.store).delete(o.key);
      return model.remove(o.store, o.key);
    case "get":
      return assert.deepEqual(stores.store(o.store).get(o.key), model.visible(o.store).get(o.key));
    case "range": {
      const expected = sorted(model.visible(o.store)).filter(([k]) => k >= o.from && k < o.to);
      return assert.deepEqual([...stores.store(o.store).range(o.from, o.to)], expected);
    }
    case "prefix": {
      const expected = sorted(model.visible(o.store)).filter(([k]) => k.startsWith(o.prefix));
      return assert.deepEqual([...stores.store(o.store).prefix(o.prefix)], expected);
    }
    case "scanDelete": {
      const store = stores.store(o.store);
      for (const [k] of store.prefix(o.prefix)) store.delete(k);
      for (const k of model.visible(o.store).keys()) if (k.startsWith(o.prefix)) model.remove(o.store, k);
      return;
    }
    case "restore":
      // The contract (src/state/store.ts): a restore over uncommitted writes is refused, state untouched.
      if ([...model.overlay.values()].some((m) => m.size > 0)) {
        assert.throws(
          () => stores.applyRestored([{ store: o.store, key: o.key, value: o.value }]),
          /restore over uncommitted writes/,
        );
        return;
      }
      stores.applyRestored([{ store: o.store, key: o.key, value: o.value }]);
      return model.applyTo(model.committed, o.store, o.key, o.value);
    case "commit":
      checkPending(model, stores.pendingChanges());
      return stores.commit(model.commit());
    case "rollback":
      stores.rollback();
      return model.overlay.clear();
    case "reopen":
      s.stores = await s.reopen();
      model.overlay.clear();
      if (!s.keepsRestored) model.committed = new Map([...model.durable].map(([n, m]) => [n, new Map(m)]));
      return;
  }
}

async function runSequence(s: Subject, ops: readonly Op[]): Promise<void> {
  const model = new Model();
  try {
    for (const o of ops) {
      await runOp(s, model, o);
      for (const store of ["a", "b"]) assert.equal(s.stores.store(store).size(), model.visible(store).size);
    }
    checkPending(model, s.stores.pendingChanges());
    s.stores = await s.reopen();
    if (!s.keepsRestored) model.committed = model.durable;
    model.overlay.clear();
    for (const store of ["a", "b"]) {
      assert.deepEqual([...s.stores.store(store).prefix("")], sorted(model.visible(store)));
    }
  } finally {
    await s.stores.close();
  }
}

function expectedCheckpoint(ops: readonly Op[]): Checkpoint | null {
  const n = ops.filter((o) => o.op === "commit").length;
  return n === 0 ? null : { inputOffsets: { "in/0": n }, changelogOffsets: {}, meta: { n } };
}

test("memory task stores behave like the model", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
      const stores = createMemoryTaskStores();
      assert.equal(await stores.open(), null);
      const subject: Subject = {
        stores,
        keepsRestored: true,
        async reopen() {
          const before = await stores.open();
          await stores.close();
          assert.deepEqual(await stores.open(), before);
          return stores;
        },
      };
      await runSequence(subject, ops);
      assert.deepEqual(await stores.open(), expectedCheckpoint(ops));
      await stores.close();
    }),
    { numRuns: 500 },
  );
});

test("RocksDB task stores behave like the model, across reopen from disk", async (t) => {
  const root = await tempDir(t);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
      const dir = join(root, `run-${run++}`);
      let last: Checkpoint | null = null;
      const stores = createRocksDbTaskStores(dir);
      assert.equal(await stores.open(), null);
      const subject: Subject = {
        stores,
        keepsRestored: false,
        async reopen() {
          await subject.stores.close();
          const next = createRocksDbTaskStores(dir);
          last = await next.open();
          return next;
        },
      };
      try {
        await runSequence(subject, ops);
        assert.deepEqual(last, expectedCheckpoint(ops));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 150 },
  );
});
