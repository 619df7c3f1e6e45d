/**
 * Proxies (libzmq's zmq_proxy / zmq_proxy_steerable): join two sockets and
 * forward whole messages both ways, optionally copying each to a capture
 * socket, and take PAUSE, RESUME, TERMINATE and STATISTICS from a control
 * socket as libzmq's steerable proxy does. QUEUE is Router↔Dealer, FORWARDER
 * XSubscriber↔XPublisher, STREAMER Pull↔Push.
 *
 * @module
 */
import type { Message } from "./message.ts";
import { inUse, type Socket, whenClosed } from "./socket.ts";
import { ZmqError } from "./errors.ts";
import { socketTypeInfo } from "./zmtp/socket-type.ts";

/**
 * Waits for a send, or for the proxy to stop. Not `Promise.race` with a promise of the stop: each
 * race leaves a reaction on that promise until the stop, about 270 bytes per message forwarded.
 */
function untilSentOrStopped(sent: Promise<void>, stopped: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onStop = () => resolve();
    stopped.addEventListener("abort", onStop, { once: true });
    sent.then(() => {
      stopped.removeEventListener("abort", onStop);
      resolve();
    }, (err) => {
      stopped.removeEventListener("abort", onStop);
      reject(err);
    });
  });
}

/** Proxies made by `proxy()`: they leave the sockets open when they end (libzmq's zmq_proxy). */
const keepOpen = new WeakSet<Proxy>();

/** What went through one socket of a proxy one way: frames (libzmq counts message parts) and their bytes. */
export interface ProxyCounters {
  /** Frames: libzmq counts each part of a multipart message. */
  messages: number;
  /** The bytes of those frames. */
  bytes: number;
}

/**
 * A proxy's traffic, in libzmq's order (zmq_proxy_steerable's STATISTICS reply): what the front
 * end received and sent, then what the back end received and sent.
 */
export interface ProxyStatistics {
  /** What the front end received (and the proxy forwarded) and what was sent through it. */
  readonly frontEnd: { readonly received: ProxyCounters; readonly sent: ProxyCounters };
  /** The same for the back end. */
  readonly backEnd: { readonly received: ProxyCounters; readonly sent: ProxyCounters };
}

const COMMANDS = ["PAUSE", "RESUME", "TERMINATE", "STATISTICS"] as const;
const decoder = new TextDecoder();

/** The eight 64-bit counters of a STATISTICS reply, each one frame in the host's byte order (libzmq's memcpy). */
function statisticsReply(stats: ProxyStatistics): Uint8Array[] {
  const { frontEnd: f, backEnd: b } = stats;
  const values = [f.received, f.sent, b.received, b.sent].flatMap((c) => [c.messages, c.bytes]);
  return values.map((v) => new Uint8Array(new BigUint64Array([BigInt(v)]).buffer));
}

function countInto(counters: ProxyCounters, message: Message): void {
  counters.messages += message.length;
  for (const frame of message) counters.bytes += frame.byteLength;
}

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
  #control: Socket | undefined;
  #stats: ProxyStatistics = {
    frontEnd: { received: { messages: 0, bytes: 0 }, sent: { messages: 0, bytes: 0 } },
    backEnd: { received: { messages: 0, bytes: 0 }, sent: { messages: 0, bytes: 0 } },
  };
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
   * @param control Optional socket that steers the proxy as libzmq's zmq_proxy_steerable: it
   *   takes the commands `PAUSE`, `RESUME`, `TERMINATE` and `STATISTICS` (answered with eight
   *   64-bit counters, see {@linkcode Proxy.statistics}); a Reply gets an empty answer to the others.
   *
   * @example
   * ```ts
   * const control = new Reply();
   * await control.bind("inproc://proxy-control");
   * const queue = new Proxy(router, dealer, undefined, control);
   * void queue.run();
   * // elsewhere: a Request connected to inproc://proxy-control sends "PAUSE", "STATISTICS", ...
   * ```
   */
  constructor(frontEnd: F, backEnd: B, capture?: Socket, control?: Socket) {
    this.frontEnd = frontEnd;
    this.backEnd = backEnd;
    this.#capture = capture;
    this.#control = control;
  }

  /**
   * What has gone through the proxy so far, in the order of libzmq's STATISTICS reply: frames
   * and bytes the front end received and sent, then the back end's.
   *
   * @example
   * ```ts
   * const { frontEnd, backEnd } = queue.statistics;
   * console.log(frontEnd.received.messages, backEnd.sent.bytes);
   * ```
   */
  get statistics(): ProxyStatistics {
    const copy = (c: ProxyCounters): ProxyCounters => ({ messages: c.messages, bytes: c.bytes });
    const { frontEnd: f, backEnd: b } = this.#stats;
    return {
      frontEnd: { received: copy(f.received), sent: copy(f.sent) },
      backEnd: { received: copy(b.received), sent: copy(b.sent) },
    };
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
    const { frontEnd: f, backEnd: b } = this.#stats;
    const directions = [
      this.#forward(this.frontEnd, this.backEnd, f.received, b.sent),
      this.#forward(this.backEnd, this.frontEnd, b.received, f.sent),
    ];
    if (this.#control) directions.push(this.#steer(this.#control));
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

  async #forward(from: Socket, to: Socket, fromCounters: ProxyCounters, toCounters: ProxyCounters): Promise<void> {
    // A type that cannot receive or send (RFC 29, 30) has no such direction to forward.
    if (!socketTypeInfo(from.socketType).receives || !socketTypeInfo(to.socketType).sends) return;
    const stopped = this.#stop.signal;
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
      countInto(fromCounters, message);
      if (this.#capture && !this.#capture.closed) await this.#capture.send(message).catch(() => {});
      const sent = to.send(message);
      // Waiting for room must not hold up terminate(); the message still goes out once there is room.
      sent.catch(() => {});
      try {
        await untilSentOrStopped(sent, stopped);
      } catch (err) {
        if (isCode(err, "ETERM")) return this.#end();
        if (isCode(err, "ENOTSUP")) return;
        throw err;
      }
      countInto(toCounters, message);
    }
  }

  /** Takes commands from the control socket until the run ends (libzmq's handle_control). */
  async #steer(control: Socket): Promise<void> {
    const stopped = this.#stop.signal;
    const answers = socketTypeInfo(control.socketType).sends;
    while (!stopped.aborted) {
      let message: Message;
      try {
        message = await control.receive({ signal: stopped });
      } catch (err) {
        if (stopped.aborted || isCode(err, "EAGAIN")) continue;
        // The control socket closing ends the proxy, as a failing poll ends libzmq's.
        if (isCode(err, "ETERM")) return this.terminate();
        throw err;
      }
      const command = decoder.decode(message[0]) as typeof COMMANDS[number];
      if (command === "STATISTICS") {
        if (answers) await control.send(statisticsReply(this.#stats)).catch(() => {});
        continue;
      }
      if (command === "PAUSE") this.pause();
      else if (command === "RESUME") this.resume();
      else if (command === "TERMINATE") this.terminate();
      // A REP must answer whatever it got; libzmq sends it an empty frame (other commands are ignored).
      if (control.socketType === "REP") await control.send(new Uint8Array(0)).catch(() => {});
    }
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as ZmqError)?.code);
}

/**
 * Runs a proxy between two sockets until either closes (libzmq's zmq_proxy), or until
 * TERMINATE arrives on `control` (zmq_proxy_steerable: also PAUSE, RESUME and STATISTICS);
 * unlike `Proxy.run()` it leaves the sockets open. `capture` gets a copy of every message.
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
export function proxy(frontEnd: Socket, backEnd: Socket, capture?: Socket, control?: Socket): Promise<void> {
  const p = new Proxy(frontEnd, backEnd, capture, control);
  keepOpen.add(p);
  return p.run();
}
