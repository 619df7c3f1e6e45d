/**
 * Proxies (libzmq's zmq_proxy / zmq_proxy_steerable): join two sockets and
 * forward whole messages both ways, optionally copying each to a capture
 * socket. QUEUE is Router↔Dealer, FORWARDER XSubscriber↔XPublisher,
 * STREAMER Pull↔Push.
 *
 * @module
 */
import type { Message } from "./message.ts";
import { inUse, type Socket, whenClosed } from "./socket.ts";
import { ZmqError } from "./errors.ts";
import { socketTypeInfo } from "./zmtp/socket-type.ts";

/** Proxies made by `proxy()`: they leave the sockets open when they end (libzmq's zmq_proxy). */
const keepOpen = new WeakSet<Proxy>();

/**
 * A steerable proxy, shaped like zeromq.js's: `run()` forwards both ways until
 * `terminate()` or until either socket closes, then closes both sockets (as
 * zeromq.js does); `pause()`/`resume()` stop and restart forwarding, and
 * messages wait in the sockets meanwhile.
 *
 * @example
 * ```ts
 * import { Dealer, Proxy, Router } from "omq";
 * const queue = new Proxy(new Router(), new Dealer());
 * await queue.frontEnd.bind("tcp://*:5559");
 * await queue.backEnd.bind("tcp://*:5560");
 * setTimeout(() => queue.terminate(), 5000);
 * await queue.run();
 * ```
 */
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  /** The front-end socket, as given. */
  readonly frontEnd: F;
  /** The back-end socket, as given. */
  readonly backEnd: B;
  #capture: Socket | undefined;
  #running: Promise<void> | null = null;
  /** Aborted when the run ends (terminate, a socket closed, an error). */
  #stop = new AbortController();
  /** Aborted by `pause()`: withdraws the pending receives so nothing is taken while paused. */
  #hold = new AbortController();
  #paused: { promise: Promise<void>; resolve: () => void } | null = null;

  /**
   * Joins two sockets; nothing moves until `run()`.
   *
   * @param capture Optional socket that gets a copy of every message forwarded either way
   *   (libzmq's capture socket: usually a Publisher, Push, Dealer or Pair).
   */
  constructor(frontEnd: F, backEnd: B, capture?: Socket) {
    this.frontEnd = frontEnd;
    this.backEnd = backEnd;
    this.#capture = capture;
  }

  /**
   * Forwards until `terminate()` or until either socket closes. Rejects if a
   * send fails (libzmq's proxy returns -1 then), after stopping both directions.
   */
  run(): Promise<void> {
    if (this.#running) return Promise.reject(new ZmqError("EFSM", "Proxy.run: the proxy is already running"));
    if (this.#stop.signal.aborted) return Promise.reject(new ZmqError("EFSM", "Proxy.run: the proxy was terminated"));
    // As zmq_proxy: a socket that is closed, or neither bound nor connected, has nothing to forward.
    for (const [end, socket] of [["front-end", this.frontEnd], ["back-end", this.backEnd]] as const) {
      if (!inUse(socket)) {
        return Promise.reject(
          new ZmqError("EINVAL", `Proxy.run: the ${end} socket must be open and bound or connected`),
        );
      }
    }
    return this.#running = this.#run();
  }

  /** Stops forwarding; messages stay queued in the sockets (up to their high-water marks). */
  pause(): void {
    if (this.#paused || this.#stop.signal.aborted) return;
    let resolve!: () => void;
    this.#paused = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    this.#hold.abort();
  }

  /** Forwards again after `pause()`. */
  resume(): void {
    const paused = this.#paused;
    if (!paused) return;
    this.#paused = null;
    this.#hold = new AbortController();
    paused.resolve();
  }

  /** Ends `run()`; as in zeromq.js, the front-end and back-end sockets are closed then. */
  terminate(): void {
    this.#end();
    this.resume();
  }

  /** Stops both directions, withdrawing their pending receives. */
  #end(): void {
    this.#stop.abort();
    this.#hold.abort();
  }

  async #run(): Promise<void> {
    const onClose = () => this.#end();
    void whenClosed(this.frontEnd).then(onClose);
    void whenClosed(this.backEnd).then(onClose);
    const directions = [this.#forward(this.frontEnd, this.backEnd), this.#forward(this.backEnd, this.frontEnd)];
    try {
      // One failing direction ends the other too.
      await Promise.all(directions.map((d) =>
        d.catch((err) => {
          this.#end();
          throw err;
        })
      ));
    } finally {
      this.#end();
      await Promise.allSettled(directions);
      if (!keepOpen.has(this)) await Promise.all([this.frontEnd.close(), this.backEnd.close()]);
    }
  }

  async #forward(from: Socket, to: Socket): Promise<void> {
    // A type that cannot receive or send (RFC 29, 30) has no such direction to forward.
    if (!socketTypeInfo(from.socketType).receives || !socketTypeInfo(to.socketType).sends) return;
    const stopped = this.#stop.signal;
    const stoppedPromise = new Promise<void>((resolve) =>
      stopped.addEventListener("abort", () => resolve(), { once: true })
    );
    while (!stopped.aborted) {
      if (this.#paused) {
        await this.#paused.promise;
        continue;
      }
      const hold = this.#hold.signal;
      let message: Message;
      try {
        message = await from.receive({ signal: hold });
      } catch (err) {
        // Paused or stopped: nothing was taken. EAGAIN: the socket's own receiveTimeout ran out.
        if (hold.aborted || isCode(err, "EAGAIN")) continue;
        // A socket that turns out to have no receive: this direction does not exist.
        if (isCode(err, "ENOTSUP")) return;
        if (isCode(err, "ETERM")) return this.#end();
        throw err;
      }
      if (this.#capture && !this.#capture.closed) await this.#capture.send(message).catch(() => {});
      const sent = to.send(message);
      // Waiting for room must not hold up terminate(); the message still goes out once there is room.
      sent.catch(() => {});
      try {
        await Promise.race([sent, stoppedPromise]);
      } catch (err) {
        if (isCode(err, "ETERM")) return this.#end();
        if (isCode(err, "ENOTSUP")) return;
        throw err;
      }
    }
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as ZmqError)?.code);
}

/**
 * Runs a proxy between two sockets until either closes (libzmq's zmq_proxy);
 * unlike `Proxy.run()` it leaves the sockets open. `capture` gets a copy of
 * every message.
 *
 * @example
 * ```ts
 * import { proxy, XPublisher, XSubscriber } from "omq";
 * const xsub = new XSubscriber();
 * const xpub = new XPublisher();
 * xsub.connect("tcp://weather-server:5556");
 * await xpub.bind("tcp://*:8100");
 * await proxy(xsub, xpub); // the FORWARDER device
 * ```
 */
export function proxy(frontEnd: Socket, backEnd: Socket, capture?: Socket): Promise<void> {
  const p = new Proxy(frontEnd, backEnd, capture);
  keepOpen.add(p);
  return p.run();
}
