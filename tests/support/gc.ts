// A full garbage collection on Node, Deno and Bun, so a memory assertion
// measures what is still reachable rather than when the collector last ran.
import v8 from "node:v8";
import vm from "node:vm";

type Gc = () => void;

function findGc(): Gc {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void; shrink?(): void } }).Bun;
  // Bun's allocator keeps freed pages: without `shrink` its RSS swings by ±10 % from one sample
  // to the next (a 30-minute soak read 75–93 MiB with a flat heap), hiding any trend.
  if (bun) {
    return () => {
      bun.gc(true);
      bun.shrink?.();
    };
  }
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as Gc;
}

let gc: Gc | undefined;

/** Runs full collections over a few turns of the event loop, so weak references to garbage are cleared. */
export async function collectGarbage(): Promise<void> {
  gc ??= findGc();
  // Closed handles and their buffers are released over a few turns of the event loop (weak callbacks, finalizers).
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs full collections and returns live heap plus external memory, in bytes. */
export async function liveMemory(): Promise<number> {
  await collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}
