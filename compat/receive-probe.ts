/**
 * Finds out at once whether `receive()` on an omq socket had a message ready.
 * zeromq.js answers this synchronously (`readable`, and the EBUSY rule for a
 * second receive), and omq's public API answers with a promise only. omq's
 * `receive({ signal })` subscribes to the signal exactly when the call has to
 * wait (a message ready resolves at once and subscribes to nothing), and an
 * aborted signal withdraws the call without losing a message: so a signal that
 * notes its first subscription tells the two cases apart.
 *
 * This leans on how omq's `receive()` uses its signal; tests/compat checks it.
 * A synchronous poll state in omq's core (libzmq's ZMQ_EVENTS) would replace it.
 *
 * @module
 */
import type { Message, Socket as OmqSocket } from "../mod.ts";

/** One probe per compat socket, reused across receives (one pending receive at a time). */
export class ReceiveProbe {
  /** Set when the last `receive()` had to wait. */
  waiting = false;
  #controller!: AbortController;

  constructor() {
    this.#arm();
  }

  #arm(): void {
    const controller = new AbortController();
    const signal = controller.signal;
    const subscribe = signal.addEventListener;
    const note = (): void => {
      this.waiting = true;
    };
    // An own property of this signal only; behaves as the real method, after noting the call.
    signal.addEventListener = function (this: AbortSignal, ...args: Parameters<AbortSignal["addEventListener"]>) {
      note();
      return subscribe.apply(this, args);
    };
    this.#controller = controller;
  }

  /** Starts a receive on `socket`; `waiting` then says whether it had to wait. */
  receive(socket: OmqSocket): Promise<Message> {
    this.waiting = false;
    return socket.receive({ signal: this.#controller.signal });
  }

  /** Withdraws the waiting receive (it rejects with an AbortError; no message is lost). */
  withdraw(): void {
    this.#controller.abort();
    this.#arm();
  }
}
