/**
 * The ws transport of a browser build: the standard `WebSocket`, no server.
 *
 * @module
 */
import type { WsRuntime } from "./types.ts";
import { runtimeKey } from "../runtime/key.browser.ts";
import { browserWs } from "./browser.ts";

export type { WsAddress, WsListener, WsRuntime } from "./types.ts";
export { offeredProtocols } from "./protocol.ts";

const transports: Record<typeof runtimeKey, WsRuntime> = { browser: browserWs };

/** The ws transport of a web page. */
export const wsRuntime: WsRuntime = transports[runtimeKey];
