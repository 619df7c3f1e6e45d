/**
 * A pipe of an inproc link that may cross threads: its high-water mark is set
 * when the link is made, and it tells the link how many messages its reader
 * took out.
 *
 * A connect that does not find its binder at once queues up to its own send
 * HWM (libzmq's pipe before the bind); once linked, libzmq sets the
 * pipe's HWMs from both sockets (`set_hwms` when the bind completes), and so
 * does `setLimit`: to send HWM + the binder's receive HWM in the same thread,
 * or to the send HWM alone when the binder is in another thread, whose receive
 * HWM is then the credit (threads/bridge.ts). The count of what the reader took
 * is that credit coming back.
 *
 * @module
 */
import type { Message } from "../message.ts";
import { Pipe } from "../pipe.ts";

/** libzmq's low-water mark: writers resume when half the queue has drained. */
const lowWater = (hwm: number) => hwm > 0 ? Math.max(0, hwm - Math.max(1, Math.floor(hwm / 2))) : 0;

/** A pipe with a settable high-water mark that counts what its reader consumed. */
export class LinkPipe extends Pipe {
  /** Called with the number of messages read or dropped; set by the link that writes the pipe. */
  onConsumed: ((count: number) => void) | null = null;
  #limit = 0;
  #lwm = 0;
  #writerWaits = false;

  constructor(limit: number, conflate = false) {
    // The base pipe is unbounded: the limit is kept here, where it can change.
    super(0, conflate);
    this.setLimit(limit);
  }

  /** The high-water mark now (0: none). */
  get limit(): number {
    return this.#limit;
  }

  /** Sets the high-water mark; a writer waiting for room is woken if there is room now. */
  setLimit(limit: number): void {
    this.#limit = limit;
    this.#lwm = lowWater(limit);
    if (this.#writerWaits && (limit === 0 || this.size < limit)) {
      this.#writerWaits = false;
      this.onWritable?.();
    }
  }

  override get full(): boolean {
    if (this.conflate || this.#limit === 0 || this.size < this.#limit) return false;
    this.#writerWaits = true;
    return true;
  }

  override read(): Message | undefined {
    const message = super.read();
    if (message === undefined) return undefined;
    if (this.#writerWaits && this.size <= this.#lwm) {
      this.#writerWaits = false;
      this.onWritable?.();
    }
    if (this.onConsumed !== null) this.onConsumed(1);
    return message;
  }

  override clear(): void {
    const count = this.size;
    super.clear();
    if (this.#writerWaits) {
      this.#writerWaits = false;
      this.onWritable?.();
    }
    if (count > 0 && this.onConsumed !== null) this.onConsumed(count);
  }
}
