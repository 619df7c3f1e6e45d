/**
 * Proxies (libzmq's zmq_proxy / zmq_proxy_steerable): join two sockets and
 * forward whole messages both ways, optionally copying each to a capture
 * socket. QUEUE is Router↔Dealer, FORWARDER XSubscriber↔XPublisher,
 * STREAMER Pull↔Push.
 *
 * @module
 */
import type { Message } from "./message.ts";
import type { Socket } from "./socket.ts";
import type { ZmqError } from "./errors.ts";

/**
 * A steerable proxy, shaped like zeromq.js's: `run()` forwards until
 * `terminate()` or until either socket closes; `pause()`/`resume()` stop and
 * restart forwarding (messages wait in the sockets meanwhile).
 *
 * @example
 * ```ts
 * const frontEnd = new Router();
 * const backEnd = new Dealer();
 * await frontEnd.bind("tcp://*:5559");
 * await backEnd.bind("tcp://*:5560");
 * const queue = new Proxy(frontEnd, backEnd);
 * const running = queue.run();
 * // ... later
 * queue.terminate();
 * await running;
 * ```
 */
export class Proxy<F extends Socket = Socket, B extends Socket = Socket> {
  readonly frontEnd: F;
  readonly backEnd: B;
  #capture: Socket | undefined;
  #stop = new AbortController();
  #paused: Promise<void> | null = null;
  #resume: (() => void) | null = null;

  constructor(frontEnd: F, backEnd: B, capture?: Socket) {
    this.frontEnd = frontEnd;
    this.backEnd = backEnd;
    this.#capture = capture;
  }

  /** Forwards both ways until `terminate()` or a socket closes. */
  async run(): Promise<void> {
    await Promise.all([this.#forward(this.frontEnd, this.backEnd), this.#forward(this.backEnd, this.frontEnd)]);
  }

  /** Stops forwarding; messages stay queued in the sockets. */
  pause(): void {
    this.#paused ??= new Promise((resolve) => (this.#resume = resolve));
  }

  /** Forwards again after `pause()`. */
  resume(): void {
    this.#resume?.();
    this.#paused = null;
    this.#resume = null;
  }

  /** Ends `run()`; the sockets stay open and belong to the caller. */
  terminate(): void {
    this.#stop.abort();
    this.resume();
  }

  async #forward(from: Socket, to: Socket): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      if (this.#paused) await this.#paused;
      let message: Message;
      try {
        message = await from.receive({ signal });
      } catch (err) {
        // Stopped, closed, or a direction the socket type cannot receive (a Push front end): this direction ends.
        if (signal.aborted || isCode(err, "ETERM", "ENOTSUP")) return;
        throw err;
      }
      if (this.#capture && !this.#capture.closed) await this.#capture.send(message).catch(() => {});
      try {
        await to.send(message);
      } catch (err) {
        if (isCode(err, "ETERM")) return;
        throw err;
      }
    }
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as ZmqError)?.code);
}

/**
 * Runs a proxy between two sockets until either closes (libzmq's zmq_proxy).
 *
 * @example
 * ```ts
 * const xsub = new XSubscriber();
 * const xpub = new XPublisher();
 * xsub.connect("tcp://weather-server:5556");
 * await xpub.bind("tcp://*:8100");
 * await proxy(xsub, xpub); // the FORWARDER device
 * ```
 */
export function proxy(frontEnd: Socket, backEnd: Socket, capture?: Socket): Promise<void> {
  return new Proxy(frontEnd, backEnd, capture).run();
}
