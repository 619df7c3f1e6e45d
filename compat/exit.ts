/**
 * What zeromq.js does when the process is about to exit: every socket still
 * open is closed, and the exit waits for their queued messages as long as
 * their `linger` allows; if that takes over half a second, a warning says so
 * ("Waiting for queued ZeroMQ messages to be delivered."), as zeromq.js
 * prints when terminating its contexts takes that long. A socket no longer
 * referenced (and with no call pending) is closed when collected, as
 * zeromq.js's are.
 *
 * @module
 */
import process from "node:process";
import { clearTimeout, setTimeout } from "node:timers";
import type { Socket as OmqSocket } from "../mod.ts";
import { hold, release } from "./keep-alive.ts";

/** What the exit needs of a compat socket. */
interface Closable {
  close(): void;
  readonly context: { readonly blocky: boolean };
}

/** zeromq.js warns once terminating takes this long (milliseconds). */
const WARN_AFTER = 500;

/** Open compat sockets, weakly: a collected one is closed by `collected`. */
const open = new Set<WeakRef<Closable>>();
const refs = new WeakMap<Closable, WeakRef<Closable>>();
/** omq closes still running (lingering), with whether their context was blocky. */
const closing = new Map<Promise<void>, boolean>();
interface Held {
  readonly inner: OmqSocket;
  readonly ref: WeakRef<Closable>;
  readonly onCollected: () => void;
}
const collected = new FinalizationRegistry<Held>(({ inner, ref, onCollected }) => {
  open.delete(ref);
  onCollected();
  watch(inner.close(), false);
});
let listening = false;

/**
 * Starts tracking a new compat socket (its constructor calls this); `onCollected` runs if it
 * is collected without being closed (it must not hold the socket).
 */
export function trackSocket(socket: Closable, inner: OmqSocket, onCollected: () => void): void {
  const ref = new WeakRef(socket);
  open.add(ref);
  refs.set(socket, ref);
  collected.register(socket, { inner, ref, onCollected }, ref);
  if (!listening) {
    listening = true;
    process.on("beforeExit", beforeExit);
  }
}

/** A compat socket was closed; `done` settles once omq has closed it (after its linger). */
export function forgetSocket(socket: Closable, done: Promise<void>): void {
  const ref = refs.get(socket);
  if (ref) {
    open.delete(ref);
    collected.unregister(ref);
  }
  watch(done, socket.context.blocky);
}

function watch(done: Promise<void>, blocky: boolean): void {
  const settled = done.catch(() => {});
  closing.set(settled, blocky);
  void settled.then(() => closing.delete(settled));
}

function beforeExit(): void {
  for (const ref of [...open]) ref.deref()?.close();
  if (closing.size === 0) return;
  const blocky = [...closing.values()].some(Boolean);
  // Waiting for the lingering sockets is what zeromq.js's exit does; the warning comes if it takes long.
  hold();
  const warning = setTimeout(() => {
    process.stderr.write(
      `(node:${process.pid}) WARNING: Waiting for queued ZeroMQ messages to be delivered.` +
        (blocky ? " Set 'context.blocky = false' to change this behaviour." : "") + "\n",
    );
  }, WARN_AFTER);
  void Promise.all(closing.keys()).then(() => {
    clearTimeout(warning);
    release();
  });
}
