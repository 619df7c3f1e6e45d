/**
 * Finds out at once whether `receive()` on an omq socket had a message ready.
 * zeromq.js answers this synchronously (`readable`, and the EBUSY rule for a
 * second receive), and omq's public API answers with a promise only. omq's
 * `receive({ signal })` subscribes to the signal exactly when the call has to
 * wait (a message ready resolves at once and subscribes to nothing), and an
 * aborted signal withdraws the call without losing a message: so a signal that
 * notes its subscription tells the two cases apart.
 *
 * The signal is a minimal stand-in for an `AbortSignal` (what omq's `receive`
 * uses of one): a real one costs an EventTarget subscription per waiting
 * receive, which on a busy inproc socket took most of the time. This leans on
 * how omq's `receive()` uses its signal; tests/compat checks it. A synchronous
 * poll state in omq's core (libzmq's ZMQ_EVENTS) would replace it.
 *
 * @module
 */
import type { Message, Socket as OmqSocket } from "../mod.ts";

type Listener = (this: AbortSignal, event: Event) => void;

/** One probe per compat socket, reused across receives (one pending receive at a time). */
export class ReceiveProbe {
  /** Set when the last `receive()` had to wait. */
  waiting = false;
  #listener: Listener | null = null;
  readonly #signal: AbortSignal;

  constructor() {
    const signal = {
      aborted: false,
      reason: undefined as unknown,
      addEventListener: (_type: string, listener: Listener) => {
        this.waiting = true;
        this.#listener = listener;
      },
      removeEventListener: (_type: string, listener: Listener) => {
        if (this.#listener === listener) this.#listener = null;
      },
    };
    this.#signal = signal as unknown as AbortSignal;
  }

  /** Starts a receive on `socket`; `waiting` then says whether it had to wait. */
  receive(socket: OmqSocket): Promise<Message> {
    this.waiting = false;
    return socket.receive({ signal: this.#signal });
  }

  /** Withdraws the waiting receive (it rejects with an AbortError; no message is lost). */
  withdraw(): void {
    const listener = this.#listener;
    this.#listener = null;
    if (!listener) return;
    const signal = this.#signal as unknown as { reason: unknown };
    signal.reason = new DOMException("the readable check withdrew its receive", "AbortError");
    listener.call(this.#signal, new Event("abort"));
    signal.reason = undefined;
  }
}
