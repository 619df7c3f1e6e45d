import * as net from "node:net";
import { Push } from "./mod.ts";
import { encodeGreeting } from "./src/zmtp/greeting.ts";
import { startSocksServer } from "./tests/support/socks-server.ts";
const proxy = await startSocksServer();
const sink = net.createServer((s) => {
  s.write(encodeGreeting("NULL", true));
  s.on("data", (d) => console.log("sink got", [...d.subarray(0, 20)]));
});
await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
const port = (sink.address() as net.AddressInfo).port;
const push = new Push({ linger: 0, socksProxy: proxy.address, reconnectInterval: 10000 });
push.connect(`tcp://127.0.0.1:${port}`);
setTimeout(() => {
  push.close();
  sink.close();
  proxy.close();
}, 500);
