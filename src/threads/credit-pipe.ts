/**
 * The inbound pipe of a cross-thread inproc link: a `Pipe` that tells the link
 * how many messages the socket has taken out of it, so the link can grant the
 * sending thread that much room again (credit-based flow control mirroring
 * the high-water marks).
 *
 * @module
 */
import type { Message } from "../message.ts";
import { Pipe } from "../pipe.ts";

/** A pipe that counts what its reader consumed. */
export class CreditPipe extends Pipe {
  /** Called with the number of messages read or dropped; set by the link that writes the pipe. */
  onConsumed: ((count: number) => void) | null = null;

  override read(): Message | undefined {
    const message = super.read();
    if (message !== undefined && this.onConsumed !== null) this.onConsumed(1);
    return message;
  }

  override clear(): void {
    const count = this.size;
    super.clear();
    if (count > 0 && this.onConsumed !== null) this.onConsumed(count);
  }
}
