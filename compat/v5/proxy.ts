/**
 * zeromq.js's v5 `proxy(frontend, backend, capture?)`: forwards the messages
 * of each socket to the other, for the pairs zeromq.js's compatibility mode
 * allows; a capture socket gets a copy of what comes back from the backend
 * (for ROUTER/DEALER without the routing envelope), as there.
 *
 * @module
 */
import type { MessageLike } from "../frames.ts";
import type { Socket } from "./socket.ts";

/**
 * Joins two v5 sockets (push/pull, pull/push, xpub/xsub, router/dealer, xrep/xreq).
 *
 * @example
 * ```ts
 * const frontend = zmq.socket("router");
 * const backend = zmq.socket("dealer");
 * frontend.bindSync("tcp://*:5559");
 * backend.bindSync("tcp://*:5560");
 * zmq.proxy(frontend, backend);
 * ```
 */
export function proxy(frontend: Socket, backend: Socket, capture?: Socket): void {
  let envelope: number;
  switch (`${frontend.type}/${backend.type}`) {
    case "push/pull":
    case "pull/push":
    case "xpub/xsub":
      envelope = 0;
      break;
    case "router/dealer":
    case "xrep/xreq":
      // [routing id, empty delimiter] before the reply's body.
      envelope = 2;
      break;
    default:
      throw new Error("This socket type order is not supported in compatibility mode");
  }
  frontend.on("message", (...frames: MessageLike[]) => backend.send(frames));
  backend.on("message", (...frames: MessageLike[]) => {
    frontend.send(frames);
    capture?.send(envelope ? frames.slice(envelope) : frames);
  });
}
