/**
 * Which security mechanism a socket's options select, and the mechanism
 * itself for each new connection, from one rule (ws negotiates the name
 * before any engine exists, so both must come from the same place). As in
 * libzmq the role comes from the options, not from bind or connect.
 *
 * @module
 */
import type { Context } from "./context.ts";
import { keyBytes } from "./curve-keys.ts";
import { ZAP_ENDPOINT, zapAddress, type ZapAsk, zapFor } from "./zap.ts";
import type { Mechanism } from "./zmtp/mechanism.ts";
import type { Metadata } from "./zmtp/command.ts";
import { NullMechanism } from "./zmtp/mechanisms/null.ts";
import { PlainClient, PlainServer } from "./zmtp/mechanisms/plain.ts";
import { CurveClient, CurveServer } from "./zmtp/mechanisms/curve.ts";
import { type SocketType, socketTypeInfo } from "./zmtp/socket-type.ts";

/** The mechanism names of the ZMTP greeting. */
export type MechanismName = "NULL" | "PLAIN" | "CURVE";

/** A socket's security: the mechanism's name, and a maker of one mechanism per connection. */
export interface Security {
  readonly name: MechanismName;
  /**
   * The mechanism for a new connection from `remoteAddress` (given to ZAP); the user id a ZAP
   * handler grants is put in `auth` (libzmq's User-Id property).
   */
  create(remoteAddress: string, gone?: AbortSignal, auth?: Authenticated): Mechanism;
}

/** What ZAP said of a connection's peer. */
export interface Authenticated {
  userId: Uint8Array | null;
  /** The properties the handler's reply gave the connection; null when it gave none. */
  metadata: Metadata | null;
}

/**
 * The one rule, in libzmq's order: `curveServer` (CURVE server), else
 * `curveServerKey` (CURVE client), else `plainServer` (PLAIN server), else a
 * PLAIN user name or password (PLAIN client), else NULL.
 *
 * @example
 * ```ts
 * securityOf(optionValues(socket), "REQ", context).name; // "NULL"
 * ```
 */
export function securityOf(o: Record<string, unknown>, socketType: SocketType, context: Context): Security {
  const metadata: [string, Uint8Array | string][] = [["Socket-Type", socketType]];
  if (socketTypeInfo(socketType).announcesIdentity) {
    metadata.push(["Identity", (o.routingId as Uint8Array | null) ?? new Uint8Array(0)]);
  }
  // The application's own properties (ZMQ_METADATA), after ZMTP's, as libzmq adds them.
  const own = o.metadata as Record<string, Uint8Array | string> | null;
  if (own) metadata.push(...Object.entries(own));
  const key = (name: string) => (o[name] === null ? null : keyBytes(o[name] as string, name));
  // libzmq 4.3 (mechanism_base_t::zap_required): ZAP is "required" when a domain is set.
  const domainSet = o.zapDomain !== null && (o.zapDomain as Uint8Array).byteLength > 0;
  const enforce = o.zapEnforceDomain === true;
  const zap = (remoteAddress: string, gone?: AbortSignal, auth?: Authenticated): ZapAsk | null => {
    const ask = zapFor(context, {
      domain: o.zapDomain as Uint8Array | null,
      address: zapAddress(remoteAddress),
      routingId: o.routingId as Uint8Array | null,
    }, gone);
    if (!ask) return enforce ? noHandler : null;
    if (!auth) return ask;
    return (mechanism, credentials) =>
      ask(mechanism, credentials).then((outcome) => {
        if (outcome.ok && outcome.userId.byteLength > 0) auth.userId = outcome.userId;
        if (outcome.ok && outcome.metadata.size > 0) auth.metadata = outcome.metadata;
        return outcome;
      });
  };
  if (o.curveServer) {
    // ZMQ_ZAP_ENFORCE_DOMAIN: CURVE asks ZAP only with a domain, and without a handler then refuses.
    const asks = domainSet || !enforce;
    return {
      name: "CURVE",
      create: (address, gone, auth) =>
        new CurveServer(metadata, key("curveSecretKey"), asks ? zap(address, gone, auth) : null),
    };
  }
  if (o.curveServerKey !== null) {
    return {
      name: "CURVE",
      create: () => new CurveClient(metadata, key("curveServerKey")!, key("curvePublicKey"), key("curveSecretKey")),
    };
  }
  if (o.plainServer) {
    return { name: "PLAIN", create: (address, gone, auth) => new PlainServer(metadata, zap(address, gone, auth)) };
  }
  if (o.plainUsername !== null || o.plainPassword !== null) {
    const empty = new Uint8Array(0);
    return {
      name: "PLAIN",
      create: () =>
        new PlainClient(
          metadata,
          (o.plainUsername as Uint8Array | null) ?? empty,
          (o.plainPassword as Uint8Array | null) ?? empty,
        ),
    };
  }
  // NULL asks ZAP only when a domain is set; without a handler it goes on, unless ZAP_ENFORCE_DOMAIN.
  return {
    name: "NULL",
    create: (address, gone, auth) => new NullMechanism(metadata, domainSet ? zap(address, gone, auth) : null),
  };
}

/** ZMQ_ZAP_ENFORCE_DOMAIN with no handler bound: the handshake fails, as libzmq's (EFAULT, no detail). */
const noHandler: ZapAsk = () =>
  Promise.resolve({
    ok: false,
    statusCode: null,
    error: { kind: "other", message: `zapEnforceDomain: no ZAP handler is bound at inproc://${ZAP_ENDPOINT}` },
  });
