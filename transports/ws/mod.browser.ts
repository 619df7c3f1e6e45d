/**
 * The ws transport of a browser build: the standard `WebSocket`, no server.
 *
 * @module
 */
import type { WsRuntime } from "./types.ts";
import { browserWs } from "./browser.ts";

export type { WsAddress, WsListener, WsRuntime } from "./types.ts";
export { offeredProtocols } from "./protocol.ts";

/** The ws transport of a web page. */
export const wsRuntime: WsRuntime = browserWs;
