// State stage: the small part of rocksdb-native 3.18 (CommonJS, untyped) that src/state uses.
// Every batch holds a reference on the database: destroy it or create it with autoDestroy.
declare module "rocksdb-native" {
  interface WriteBatch {
    tryPut(key: string | Buffer, value: string | Buffer): void;
    tryDelete(key: string | Buffer): void;
    flush(): Promise<void>;
    destroy(): void;
  }

  interface ReadBatch {
    get(key: string | Buffer): Promise<Buffer | null>;
    tryFlush(): void;
  }

  interface IteratorEntry {
    readonly key: Buffer;
    readonly value: Buffer;
  }

  export interface RocksDBOptions {
    readonly createIfMissing?: boolean;
    readonly readOnly?: boolean;
    /** Memtable size of the default column family, bytes (RocksDB's default: 64 MB). */
    readonly writeBufferSize?: number;
  }

  export default class RocksDB {
    constructor(path: string, options?: RocksDBOptions);
    readonly opened: boolean;
    readonly closed: boolean;
    ready(): Promise<void>;
    close(): Promise<void>;
    write(options?: { readonly autoDestroy?: boolean; readonly capacity?: number }): WriteBatch;
    read(options?: { readonly autoDestroy?: boolean; readonly capacity?: number }): ReadBatch;
    get(key: string | Buffer): Promise<Buffer | null>;
    peek(range?: {
      readonly gte?: string | Buffer;
      readonly lt?: string | Buffer;
    }): Promise<IteratorEntry | null>;
    iterator(
      range?: { readonly gte?: string | Buffer; readonly lt?: string | Buffer },
      options?: { readonly capacity?: number },
    ): AsyncIterable<IteratorEntry>;
  }
}
