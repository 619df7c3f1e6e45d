// libzmq peer: a plain Node process that drives libzmq (zeromq.js v6) for interop tests.
// Started by tests/support/libzmq.ts (from Node, Deno or Bun), spoken to over stdio:
// one JSON object per line both ways.
//   request:  {"id": 1, "op": "bind", "sid": 2, "endpoint": "tcp://127.0.0.1:*"}
//   reply:    {"id": 1, "ok": <result>}  or  {"id": 1, "error": {"message": "...", "code": "EADDRINUSE"}}
// First line out is {"hello": {"pid", "version"}}, or {"fatal": "..."} if zeromq will not load.
// Frames travel as base64 strings; other binary values (options, prefixes) as {"$b64": "..."}.
// The process closes all sockets (linger 0) and exits on {"op": "shutdown"} or when stdin ends.
"use strict";

const send = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

let zmq;
try {
  zmq = require("zeromq");
} catch (err) {
  send({ fatal: `cannot load zeromq: ${err && err.message}` });
  process.exit(1);
}

const classes = {
  pair: zmq.Pair,
  publisher: zmq.Publisher,
  pub: zmq.Publisher,
  subscriber: zmq.Subscriber,
  sub: zmq.Subscriber,
  xpublisher: zmq.XPublisher,
  xpub: zmq.XPublisher,
  xsubscriber: zmq.XSubscriber,
  xsub: zmq.XSubscriber,
  request: zmq.Request,
  req: zmq.Request,
  reply: zmq.Reply,
  rep: zmq.Reply,
  dealer: zmq.Dealer,
  router: zmq.Router,
  push: zmq.Push,
  pull: zmq.Pull,
  stream: zmq.Stream,
};

// libzmq's draft types (zeromq.js's draft build), loaded on first use: loading them prints a warning.
const draftTypes = {
  server: "Server",
  client: "Client",
  radio: "Radio",
  dish: "Dish",
  scatter: "Scatter",
  gather: "Gather",
  datagram: "Datagram",
};
const classOf = (type) => {
  const name = draftTypes[String(type).toLowerCase()];
  return name ? require("zeromq/draft")[name] : classes[String(type).toLowerCase()];
};

const fromB64 = (s) => Buffer.from(s, "base64");
const decodeValue = (v) => v !== null && typeof v === "object" && typeof v.$b64 === "string" ? fromB64(v.$b64) : v;
const encodeValue = (v) => (Buffer.isBuffer(v) ? { $b64: v.toString("base64") } : v);
const encodeMessage = (frames) => frames.map((f) => f.toString("base64"));
// Timeouts are per call: -1 (or null) waits forever, like zeromq.js.
const timeoutOf = (ms) => (ms === undefined || ms === null || ms < 0 ? -1 : Math.floor(ms));
const remaining = (deadline) => (deadline < 0 ? -1 : Math.max(0, deadline - Date.now()));

/** @type {Map<number, {sock: any, type: string, sending: Promise<unknown>, receiving: Promise<unknown>, events: object[], waiters: Set<Function>}>} */
const sockets = new Map();
let zap = null;
let nextSid = 1;

function entry(sid) {
  const e = sockets.get(sid);
  if (!e) throw Object.assign(new Error(`no libzmq socket #${sid} (closed?)`), { code: "EBADF" });
  return e;
}

// zeromq.js allows one pending send and one pending receive per socket: queue the rest.
function serial(e, key, fn) {
  const run = e[key].then(fn, fn);
  e[key] = run.catch(() => {});
  return run;
}

function watchEvents(e) {
  const push = (ev) => {
    const out = { type: ev.type };
    if (ev.address !== undefined) out.address = ev.address;
    if (ev.interval !== undefined) out.interval = ev.interval;
    if (ev.error) out.error = { message: ev.error.message, code: ev.error.code };
    e.events.push(out);
    if (e.events.length > 10000) e.events.shift();
    for (const w of e.waiters) w();
  };
  (async () => {
    try {
      for await (const ev of e.sock.events) push(ev);
    } catch {
      // observer closed together with the socket
    }
  })();
}

const ops = {
  socket({ type, options }) {
    const Cls = classOf(type);
    if (!Cls) throw Object.assign(new Error(`unknown socket type "${type}"`), { code: "EINVAL" });
    const opts = {};
    for (const [k, v] of Object.entries(options || {})) opts[k] = decodeValue(v);
    const sock = new Cls(opts);
    const sid = nextSid++;
    const e = { sock, type, sending: Promise.resolve(), receiving: Promise.resolve(), events: [], waiters: new Set() };
    sockets.set(sid, e);
    watchEvents(e);
    return sid;
  },
  async bind({ sid, endpoint }) {
    const { sock } = entry(sid);
    await sock.bind(endpoint);
    return sock.lastEndpoint;
  },
  async unbind({ sid, endpoint }) {
    await entry(sid).sock.unbind(endpoint);
  },
  connect({ sid, endpoint, options }) {
    const { sock } = entry(sid);
    if (options) sock.connect(endpoint, options);
    else sock.connect(endpoint);
  },
  disconnect({ sid, endpoint }) {
    entry(sid).sock.disconnect(endpoint);
  },
  sendMany({ sid, messages, timeout }) {
    const e = entry(sid);
    const t = timeoutOf(timeout);
    return serial(e, "sending", async () => {
      const deadline = t < 0 ? -1 : Date.now() + t;
      for (const m of messages) {
        if ("sendTimeout" in e.sock) e.sock.sendTimeout = remaining(deadline);
        await e.sock.send(m.map(fromB64));
      }
    });
  },
  receiveMany({ sid, count, timeout }) {
    const e = entry(sid);
    const t = timeoutOf(timeout);
    return serial(e, "receiving", async () => {
      const deadline = t < 0 ? -1 : Date.now() + t;
      const out = [];
      while (out.length < count) {
        e.sock.receiveTimeout = remaining(deadline);
        try {
          out.push(encodeMessage(await e.sock.receive()));
        } catch (err) {
          if (err && err.code === "EAGAIN") {
            err.message = count === 1
              ? `no message received within ${t} ms`
              : `timed out after ${t} ms having received ${out.length} of ${count} messages`;
          }
          throw err;
        }
      }
      return out;
    });
  },
  // Draft sockets: one frame with its option ({ routingId } or { group }) each way.
  sendWith({ sid, messages, timeout }) {
    const e = entry(sid);
    const t = timeoutOf(timeout);
    return serial(e, "sending", async () => {
      const deadline = t < 0 ? -1 : Date.now() + t;
      for (const m of messages) {
        e.sock.sendTimeout = remaining(deadline);
        const options = {};
        if (m.routingId !== undefined) options.routingId = m.routingId;
        if (m.group !== undefined) options.group = decodeValue(m.group);
        await e.sock.send(fromB64(m.frame), options);
      }
    });
  },
  receiveWith({ sid, count, timeout }) {
    const e = entry(sid);
    const t = timeoutOf(timeout);
    return serial(e, "receiving", async () => {
      const deadline = t < 0 ? -1 : Date.now() + t;
      const out = [];
      while (out.length < count) {
        e.sock.receiveTimeout = remaining(deadline);
        const [frame, options] = await e.sock.receive();
        const m = { frame: frame.toString("base64") };
        if (options && options.routingId !== undefined) m.routingId = options.routingId;
        if (options && options.group !== undefined) m.group = encodeValue(options.group);
        out.push(m);
      }
      return out;
    });
  },
  join({ sid, groups }) {
    entry(sid).sock.join(...groups.map(decodeValue));
  },
  leave({ sid, groups }) {
    entry(sid).sock.leave(...groups.map(decodeValue));
  },
  subscribe({ sid, prefixes }) {
    entry(sid).sock.subscribe(...prefixes.map(decodeValue));
  },
  unsubscribe({ sid, prefixes }) {
    entry(sid).sock.unsubscribe(...prefixes.map(decodeValue));
  },
  setOption({ sid, name, value }) {
    const { sock } = entry(sid);
    if (!(name in sock)) throw Object.assign(new TypeError(`unknown option "${name}"`), { code: "EINVAL" });
    sock[name] = decodeValue(value);
  },
  // libzmq options zeromq.js has no property for (its draft ones), by number through its typed accessors.
  setOptionById({ sid, option, kind, value }) {
    entry(sid).sock[`set${kind}Option`](option, decodeValue(value));
  },
  getOptionById({ sid, option, kind }) {
    return encodeValue(entry(sid).sock[`get${kind}Option`](option));
  },
  getOption({ sid, name }) {
    const { sock } = entry(sid);
    if (!(name in sock)) throw Object.assign(new TypeError(`unknown option "${name}"`), { code: "EINVAL" });
    return encodeValue(sock[name]);
  },
  // Events seen since the socket was created (or since the last take).
  takeEvents({ sid }) {
    const e = entry(sid);
    return e.events.splice(0);
  },
  // Waits for the first event of one of `types` (consuming it and all earlier events).
  waitEvent({ sid, types, timeout }) {
    const e = entry(sid);
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        const i = e.events.findIndex((ev) => types.includes(ev.type));
        if (i < 0) return false;
        const [ev] = e.events.splice(0, i + 1).slice(-1);
        e.waiters.delete(check);
        clearTimeout(timer);
        resolve(ev);
        return true;
      };
      if (check()) return;
      e.waiters.add(check);
      const t = timeoutOf(timeout);
      if (t >= 0) {
        timer = setTimeout(() => {
          e.waiters.delete(check);
          const err = new Error(`no ${types.join("/")} event within ${t} ms`);
          reject(Object.assign(err, { code: "EAGAIN" }));
        }, t);
      }
    });
  },
  close({ sid, linger }) {
    const e = sockets.get(sid);
    if (!e) return;
    sockets.delete(sid);
    if (linger !== undefined) e.sock.linger = linger;
    e.sock.close();
  },
  curveKeyPair() {
    return zmq.curveKeyPair();
  },
  // A ZAP handler (RFC 27) in this process's default context: a Router at inproc://zeromq.zap.01
  // that allows PLAIN users by { user: password } and CURVE clients by public key; NULL always.
  async zapHandler({ plain, curve }) {
    if (zap) throw Object.assign(new Error("a ZAP handler is already running"), { code: "EADDRINUSE" });
    const router = new zmq.Router({ linger: 0 });
    await router.bind("inproc://zeromq.zap.01");
    const allowedKeys = (curve || []).map(decodeValue);
    zap = { router, requests: [] };
    const state = zap;
    (async () => {
      try {
        for await (
          const [id, delimiter, version, requestId, domain, address, _routingId, mechanism, ...credentials] of router
        ) {
          const m = mechanism.toString();
          state.requests.push({
            domain: domain.toString(),
            address: address.toString(),
            mechanism: m,
            credentials: credentials.map(encodeValue),
          });
          let ok = m === "NULL";
          let user = "";
          if (m === "PLAIN" && plain) {
            user = credentials[0].toString();
            ok = Object.prototype.hasOwnProperty.call(plain, user) && plain[user] === credentials[1].toString();
          }
          if (m === "CURVE") ok = allowedKeys.some((k) => k.equals(credentials[0]));
          await router.send([
            id,
            delimiter,
            version,
            requestId,
            ok ? "200" : "400",
            ok ? "OK" : "denied",
            ok ? user : "",
            "",
          ]);
        }
      } catch {
        // closed
      }
    })();
  },
  zapRequests() {
    return zap ? zap.requests.splice(0) : [];
  },
  zapClose() {
    if (zap) zap.router.close();
    zap = null;
  },
  shutdown() {
    setImmediate(shutdown);
  },
};

function shutdown() {
  for (const e of sockets.values()) {
    try {
      e.sock.linger = 0;
      e.sock.close();
    } catch {
      // already closed
    }
  }
  sockets.clear();
  process.exit(0);
}

async function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch {
    process.stderr.write(`libzmq-peer: bad request line: ${line.slice(0, 200)}\n`);
    return;
  }
  try {
    const fn = ops[req.op];
    if (!fn) throw Object.assign(new Error(`unknown op "${req.op}"`), { code: "EINVAL" });
    const result = await fn(req);
    send({ id: req.id, ok: result === undefined ? null : result });
  } catch (err) {
    const error = { message: String((err && err.message) || err) };
    if (err && err.code !== undefined) error.code = err.code;
    if (err && err.errno !== undefined) error.errno = err.errno;
    send({ id: req.id, error });
  }
}

// Newline-delimited input; lines may be many megabytes long, so collect chunks and join once.
let pending = [];
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  let start = 0;
  let nl;
  while ((nl = chunk.indexOf("\n", start)) >= 0) {
    pending.push(chunk.slice(start, nl));
    const line = pending.join("");
    pending = [];
    if (line) handle(line);
    start = nl + 1;
  }
  if (start < chunk.length) pending.push(chunk.slice(start));
});
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.on("unhandledRejection", (err) => {
  process.stderr.write(`libzmq-peer: unhandled rejection: ${(err && err.stack) || err}\n`);
});
process.on("uncaughtException", (err) => {
  process.stderr.write(`libzmq-peer: uncaught exception: ${(err && err.stack) || err}\n`);
  process.exit(70);
});

send({ hello: { pid: process.pid, version: zmq.version } });
