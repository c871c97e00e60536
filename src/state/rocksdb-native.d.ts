// State stage: the small part of rocksdb-native 3.18 (CommonJS, untyped) that src/state uses.
// Every batch holds a reference on the database: destroy it or create it with autoDestroy.
declare module "rocksdb-native" {
  interface WriteBatch {
    tryPut(key: string | Buffer, value: string | Buffer): void;
    tryDelete(key: string | Buffer): void;
    flush(): Promise<void>;
    destroy(): void;
  }

  interface IteratorEntry {
    readonly key: Buffer;
    readonly value: Buffer;
  }

  interface RocksDBOptions {
    readonly createIfMissing?: boolean;
    readonly readOnly?: boolean;
  }

  export default class RocksDB {
    constructor(path: string, options?: RocksDBOptions);
    readonly opened: boolean;
    readonly closed: boolean;
    ready(): Promise<void>;
    close(): Promise<void>;
    write(options?: { readonly autoDestroy?: boolean; readonly capacity?: number }): WriteBatch;
    iterator(
      range?: { readonly gte?: string; readonly lt?: string },
      options?: { readonly capacity?: number },
    ): AsyncIterable<IteratorEntry>;
  }
}
