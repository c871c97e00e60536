// What a pending timer costs: 1M timers of one operator at distinct times (as sliding panes and
// pattern matches make them) in a task's timer table over memory stores; heap bytes per pending
// timer after a flush and a commit, then CPU per timer to register + flush and to fire + flush.
// Usage: node --expose-gc --import tsx bench/state/timer-memory.ts
import { createMemoryTaskStores } from "../../src/state/memory-stores.ts";
import { createTaskTimers } from "../../src/time/timer-service.ts";

const N = 1_000_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const stores = createMemoryTaskStores();
await stores.open();
const timers = createTaskTimers(stores.store("$timers"));
const service = timers.forOperator("velocity_24h.window-aggregate");
const keys = Array.from({ length: N }, (_, i) => `X7:+card-${i}`);
gc();
const heapBefore = process.memoryUsage().heapUsed;
const cpu0 = process.cpuUsage();
for (let i = 0; i < N; i++) service.register(1_700_000_000_000 + i * 7, keys[i] as string);
timers.flush();
await stores.commit({ inputOffsets: {}, changelogOffsets: {}, meta: {} });
const registered = process.cpuUsage(cpu0);
gc();
const heapAfter = process.memoryUsage().heapUsed;
const cpu1 = process.cpuUsage();
const fired = timers.fireDue(Number.MAX_SAFE_INTEGER, () => undefined);
timers.flush();
const firedCpu = process.cpuUsage(cpu1);
const us = (c: NodeJS.CpuUsage) => ((c.user + c.system) / N).toFixed(2);
console.log(
  `${((heapAfter - heapBefore) / N).toFixed(0)} heap bytes per pending timer; ` +
    `register + flush ${us(registered)} us, fire + flush ${us(firedCpu)} us per timer (${fired} fired)`,
);
