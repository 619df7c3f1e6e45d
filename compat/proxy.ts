/**
 * zeromq.js's `Proxy` on omq's: the same checks and errors (both sockets must
 * be open and bound or connected; `pause`/`resume`/`terminate` throw EBADF
 * unless it runs), `run()` keeping the process alive while it runs, and both
 * sockets closed when it ends.
 *
 * @module
 */
import { Proxy as OmqProxy } from "../mod.ts";
import { closedError, errnoError, translate } from "./errors.ts";
import { hold, release } from "./keep-alive.ts";
import { isInUse, omqSocketOf, Socket } from "./socket.ts";

/**
 * Forwards messages between two sockets both ways, as zeromq.js's `Proxy` (libzmq's steerable
 * proxy); both are closed when it ends.
 *
 * @example
 * ```ts
 * import { Dealer, Proxy, Router } from "omq/zeromq";
 * const proxy = new Proxy(new Router(), new Dealer());
 * await proxy.frontEnd.bind("tcp://*:3001");
 * await proxy.backEnd.bind("tcp://*:3002");
 * setTimeout(() => proxy.terminate(), 5000);
 * await proxy.run();
 * ```
 */
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  /** The front-end socket, as given. */
  readonly frontEnd: F;
  /** The back-end socket, as given. */
  readonly backEnd: B;
  #running: OmqProxy | null = null;

  /** Joins two sockets; nothing moves until `run()`. */
  constructor(frontEnd: F, backEnd: B) {
    if (arguments.length > 2) throw new TypeError("Expected 2 arguments");
    if (typeof frontEnd !== "object" || frontEnd === null) throw new TypeError("Front-end must be a socket object");
    if (typeof backEnd !== "object" || backEnd === null) throw new TypeError("Back-end must be a socket object");
    if (!(frontEnd instanceof Socket) || !(backEnd instanceof Socket)) throw errnoError("EINVAL");
    this.frontEnd = frontEnd;
    this.backEnd = backEnd;
  }

  /**
   * Forwards until `terminate()`; rejects with EINVAL when a socket is closed or neither
   * bound nor connected. Both sockets are closed when it ends.
   */
  async run(): Promise<void> {
    if (!isInUse(this.frontEnd)) throw errnoError("EINVAL", "Front-end socket must be bound or connected");
    if (!isInUse(this.backEnd)) throw errnoError("EINVAL", "Back-end socket must be bound or connected");
    if (this.#running) throw errnoError("EBUSY");
    const [front, back] = [omqSocketOf(this.frontEnd), omqSocketOf(this.backEnd)];
    const proxy = new OmqProxy(front, back);
    this.#running = proxy;
    hold();
    try {
      await proxy.run();
    } catch (err) {
      throw translate(err);
    } finally {
      this.#running = null;
      release();
      this.frontEnd.close();
      this.backEnd.close();
    }
  }

  /** Stops forwarding for now; messages wait in the sockets. */
  pause(): void {
    this.#proxy().pause();
  }

  /** Forwards again after `pause()`. */
  resume(): void {
    this.#proxy().resume();
  }

  /** Ends `run()`; the sockets are closed then. */
  terminate(): void {
    this.#proxy().terminate();
  }

  #proxy(): OmqProxy {
    // zeromq.js steers a running proxy through a control socket, which is closed otherwise.
    if (!this.#running) throw closedError();
    return this.#running;
  }
}
