/**
 * A small SOCKS5 proxy for tests (RFC 1928 CONNECT, RFC 1929 user/password), on node:net, which
 * Node, Deno and Bun all have. It records what each client sent before its tunnel opened, so a
 * test can compare one client's bytes with another's.
 *
 * ```ts
 * await using proxy = await startSocksServer({ username: "u", password: "p" });
 * sock.socksProxy = proxy.address; // "127.0.0.1:40123"
 * proxy.clients[0].request; // the CONNECT request's bytes
 * ```
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";

/** What one client sent before its tunnel opened. */
export interface SocksClientRecord {
  greeting: Uint8Array;
  auth: Uint8Array | null;
  request: Uint8Array;
  /** The destination asked for: "host:port" as the request carried it. */
  target: string;
}

export interface SocksServer extends AsyncDisposable {
  readonly address: string;
  readonly clients: SocksClientRecord[];
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1; with `username`, clients must log in with it (and `password`). */
export async function startSocksServer(
  auth: { username?: string; password?: string } = {},
): Promise<SocksServer> {
  const clients: SocksClientRecord[] = [];
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    let input = Buffer.alloc(0);
    let state: "greeting" | "auth" | "request" | "open" = "greeting";
    let tunnel: net.Socket | null = null;
    const record: Partial<SocksClientRecord> = { auth: null };
    client.on("data", function onData(chunk: Buffer) {
      input = Buffer.concat([input, chunk]);
      for (;;) {
        if (state === "greeting") {
          if (input.length < 2 || input.length < 2 + input[1]) return;
          record.greeting = new Uint8Array(input.subarray(0, 2 + input[1]));
          const methods = [...input.subarray(2, 2 + input[1])];
          input = input.subarray(2 + input[1]);
          const wanted = auth.username === undefined ? 0 : 2;
          if (!methods.includes(wanted)) {
            client.end(Buffer.from([5, 0xff]));
            return;
          }
          client.write(Buffer.from([5, wanted]));
          state = wanted === 2 ? "auth" : "request";
        } else if (state === "auth") {
          if (input.length < 2 || input.length < 3 + input[1] || input.length < 3 + input[1] + input[2 + input[1]]) {
            return;
          }
          const ulen = input[1];
          const plen = input[2 + ulen];
          record.auth = new Uint8Array(input.subarray(0, 3 + ulen + plen));
          const user = input.subarray(2, 2 + ulen).toString();
          const pass = input.subarray(3 + ulen, 3 + ulen + plen).toString();
          input = input.subarray(3 + ulen + plen);
          const ok = user === auth.username && pass === (auth.password ?? "");
          client.write(Buffer.from([1, ok ? 0 : 1]));
          if (!ok) {
            client.end();
            return;
          }
          state = "request";
        } else if (state === "request") {
          if (input.length < 5) return;
          const type = input[3];
          const size = type === 1 ? 4 : type === 4 ? 16 : 1 + input[4];
          if (input.length < 4 + size + 2) return;
          record.request = new Uint8Array(input.subarray(0, 4 + size + 2));
          const addr = input.subarray(4, 4 + size);
          const host = type === 1
            ? [...addr].join(".")
            : type === 4
            ? [...Array(8)].map((_, i) => addr.readUInt16BE(2 * i).toString(16)).join(":")
            : addr.subarray(1).toString();
          const port = input.readUInt16BE(4 + size);
          input = input.subarray(4 + size + 2);
          record.target = `${host}:${port}`;
          clients.push(record as SocksClientRecord);
          state = "open";
          const upstream = net.connect({ host: host === "localhost" ? "127.0.0.1" : host, port });
          open.add(upstream);
          upstream.on("close", () => {
            open.delete(upstream);
            client.destroy();
          });
          upstream.on("error", () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
          upstream.on("data", (d: Buffer) => client.write(d));
          client.on("close", () => upstream.destroy());
          upstream.once("connect", () => {
            client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
            tunnel = upstream;
            if (input.length > 0) upstream.write(input);
            input = Buffer.alloc(0);
          });
          return;
        } else {
          // Open: forward, or keep until the upstream connection is made.
          if (tunnel) {
            tunnel.write(input);
            input = Buffer.alloc(0);
          }
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    clients,
    close,
    [Symbol.asyncDispose]: close,
  };
}
