// A full garbage collection on Node, Deno and Bun, so a memory assertion
// measures what is still reachable rather than when the collector last ran.
import v8 from "node:v8";
import vm from "node:vm";

type Gc = () => void;

function findGc(): Gc {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) return () => bun.gc(true);
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as Gc;
}

let gc: Gc | undefined;

/**
 * Runs full collections over a few turns of the event loop, so weak references to garbage are
 * cleared. `shrink`: on Bun also hands freed pages back to the OS (`Bun.shrink`), for a series of
 * RSS samples that follows live memory (without it Bun's RSS swung ±10 % from one soak sample to
 * the next over a flat heap); a test measuring growth from one RSS reading must not, or the
 * reading it grows from is lower than the process's steady state.
 */
export async function collectGarbage(options: { shrink?: boolean } = {}): Promise<void> {
  gc ??= findGc();
  // Closed handles and their buffers are released over a few turns of the event loop (weak callbacks, finalizers).
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (options.shrink) (globalThis as { Bun?: { shrink?(): void } }).Bun?.shrink?.();
}

/** Runs full collections and returns live heap plus external memory, in bytes. */
export async function liveMemory(): Promise<number> {
  await collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}
