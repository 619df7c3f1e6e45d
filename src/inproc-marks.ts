/**
 * The high-water marks of inproc links, as libzmq 4.3.5 sets them: a pipe's
 * mark is its writer's send HWM plus a boost (the reading socket's receive
 * HWM when the link was made), and a socket's later changes reach the pipes
 * of its live links.
 *
 * @module
 */
import type { Peer } from "./peer.ts";
import type { Pipe } from "./pipe.ts";
import { LinkPipe } from "./threads/link-pipe.ts";

/**
 * libzmq's `pipe_t::set_hwms` for one direction: the writer's mark plus its pipe's boost (the
 * reading socket's receive HWM when the link was made); 0, no limit, when either is 0.
 */
export function boosted(hwm: number, boost: number): number {
  return hwm <= 0 || boost === 0 ? 0 : hwm + Math.max(boost, 0);
}

/**
 * libzmq's default HWM (`options_t`): before its binder is known, a connect's pipe is boosted by
 * the marks of a socket with default options, so raising SNDHWM then adds 1000.
 */
export const DEFAULT_HWM = 1000;

/**
 * The boost of each pipe of a link in this thread, by the pipe its writer writes (libzmq's
 * `_out_hwm_boost`). A link to another thread has none: its bridge owns its marks.
 */
const boosts = new WeakMap<Pipe, number>();

/** Sets the mark of one pipe of a link in this thread, remembering its boost. */
export function setMark(pipe: Pipe, hwm: number, boost: number): void {
  boosts.set(pipe, boost);
  if (pipe instanceof LinkPipe) pipe.setLimit(hwm);
  else pipe.hwm = hwm;
}

/**
 * A socket's high-water marks changed: an end of an inproc link in this thread takes them as
 * libzmq 4.3's `update_pipe_options` sets them. Its own pipe gets its send HWM plus the boost,
 * and the other socket's pipe gets this socket's receive HWM plus that pipe's boost (libzmq's
 * `send_hwms_to_peer`, which the other socket applies when it next processes commands; here at
 * once). False for a peer that is not such an end (a link to another thread, conflation).
 *
 * @example
 * ```ts ignore
 * inprocMarksChanged(peer, options.sendHighWaterMark, options.receiveHighWaterMark);
 * ```
 */
export function inprocMarksChanged(peer: Peer, send: number, receive: number): boolean {
  const out = boosts.get(peer.outbound);
  const into = boosts.get(peer.inbound);
  if (out === undefined || into === undefined) return false;
  setMark(peer.outbound, boosted(send, out), out);
  setMark(peer.inbound, boosted(receive, into), into);
  return true;
}

/** The link of `peer` goes to another thread: its bridge sets the marks from now on, so the boosts go. */
export function forgetMarks(peer: Peer): void {
  boosts.delete(peer.outbound);
  boosts.delete(peer.inbound);
}
