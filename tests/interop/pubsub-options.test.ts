// The pub/sub options of libzmq 4.3's draft API, against libzmq: topicsCount (ZMQ_TOPICS_COUNT),
// xsubVerboseUnsubscribe, onlyFirstSubscribe and xpubManualLastValue.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { eventually, texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

const TCP = "tcp://127.0.0.1:*";
const ZMQ_ONLY_FIRST_SUBSCRIBE = 108;
const ZMQ_TOPICS_COUNT = 116;
const sub = (prefix: string) => new Uint8Array([1, ...new TextEncoder().encode(prefix)]);
const cancel = (prefix: string) => new Uint8Array([0, ...new TextEncoder().encode(prefix)]);

test("topicsCount counts as libzmq's draft build: each subscription on SUB, distinct prefixes on XPUB", async () => {
  const ours = new Subscriber({ linger: 0 });
  ours.subscribe("a", "b", "a");
  const theirs = await zmq.socket("sub");
  await theirs.subscribe("a", "b", "a");
  assert.equal(ours.topicsCount, 3);
  assert.equal(await theirs.getOptionById(ZMQ_TOPICS_COUNT, "Int32"), 3);
  ours.unsubscribe("a");
  await theirs.unsubscribe("a");
  assert.equal(ours.topicsCount, await theirs.getOptionById(ZMQ_TOPICS_COUNT, "Int32"));

  // An XPUB counts what its subscribers hold together, as libzmq's: two subscribers, three prefixes.
  const xpub = new XPublisher({ linger: 0 });
  await xpub.bind(TCP);
  const subs = [await zmq.socket("sub"), await zmq.socket("sub")];
  for (const s of subs) await s.connect(xpub.lastEndpoint!);
  await subs[0].subscribe("x", "y");
  await subs[1].subscribe("y", "z");
  await eventually(() => xpub.topicsCount === 3);
  await subs[1].unsubscribe("z");
  await eventually(() => xpub.topicsCount === 2);
  await ours.close();
  await xpub.close();
});

test("xsubVerboseUnsubscribe forwards every cancel to a libzmq XPUB, not only the last for a prefix", async () => {
  for (const verbose of [false, true]) {
    const xpub = await zmq.socket("xpub", { verbosity: "allSubsUnsubs" });
    const endpoint = await xpub.bind(TCP);
    const xsub = new XSubscriber({ linger: 0, xsubVerboseUnsubscribe: verbose });
    xsub.connect(endpoint);
    for (const m of [sub("a"), sub("a"), cancel("a"), sub("end")]) await xsub.send(m);
    const seen = (await xpub.receiveMany(verbose ? 4 : 3)).map((m) => texts(m)[0]);
    assert.deepEqual(seen, verbose ? ["\x01a", "\x01a", "\x00a", "\x01end"] : ["\x01a", "\x01a", "\x01end"]);
    await xsub.close();
    await xpub.close();
  }
});

test("onlyFirstSubscribe: a multipart message's later frames are subscriptions only after a first one, both ways", async () => {
  for (const onlyFirst of [false, true]) {
    // libzmq's XSUB sends, our XPUB reads: the same message goes up either way, as libzmq's XPUB
    // passes it (the subscription it reports in place); what differs is what counts as subscribed.
    const xpub = new XPublisher({ linger: 0, onlyFirstSubscribe: onlyFirst });
    await xpub.bind(TCP);
    const theirs = await zmq.socket("xsub");
    if (onlyFirst) await theirs.setOptionById(ZMQ_ONLY_FIRST_SUBSCRIBE, "Int32", 1);
    await theirs.connect(xpub.lastEndpoint!);
    await theirs.send(["data", sub("x")]);
    await theirs.send([sub("end")]);
    assert.deepEqual(texts(await withTimeout(xpub.receive(), 5000, "the first message up")), ["data", "\x01x"]);
    assert.deepEqual(texts(await withTimeout(xpub.receive(), 5000, "the second")), ["\x01end"]);
    assert.equal(xpub.topicsCount, onlyFirst ? 1 : 2);
    await xpub.close();

    // Our XSUB sends, libzmq's XPUB reads.
    const theirXpub = await zmq.socket("xpub");
    if (onlyFirst) await theirXpub.setOptionById(ZMQ_ONLY_FIRST_SUBSCRIBE, "Int32", 1);
    const xsub = new XSubscriber({ linger: 0, onlyFirstSubscribe: onlyFirst });
    xsub.connect(await theirXpub.bind(TCP));
    await xsub.send(["data", sub("x")]);
    await xsub.send(sub("end"));
    assert.deepEqual(texts(await theirXpub.receive()), ["data", "\x01x"]);
    assert.deepEqual(texts(await theirXpub.receive()), ["\x01end"]);
    assert.equal(await theirXpub.getOptionById(ZMQ_TOPICS_COUNT, "Int32"), onlyFirst ? 1 : 2);
    assert.equal(xsub.topicsCount, onlyFirst ? 1 : 2);
    await xsub.close();
    await theirXpub.close();
  }
});

test("xpubManualLastValue: the message after a subscription goes to that subscriber only", async () => {
  const xpub = new XPublisher({ linger: 0, xpubManualLastValue: true });
  await xpub.bind(TCP);
  const first = await zmq.socket("sub");
  await first.connect(xpub.lastEndpoint!);
  await first.subscribe("t");
  assert.deepEqual(texts(await xpub.receive()), ["\x01t"]);
  xpub.subscribe("t");
  await xpub.send(["t", "v1"]);
  assert.deepEqual(texts(await first.receive()), ["t", "v1"]);

  const second = await zmq.socket("sub");
  await second.connect(xpub.lastEndpoint!);
  await second.subscribe("t");
  assert.deepEqual(texts(await xpub.receive()), ["\x01t"]);
  xpub.subscribe("t");
  await xpub.send(["t", "v2"]); // the newcomer's last value: not for the first subscriber
  await xpub.send(["t", "v3"]); // everyone's
  assert.deepEqual(texts(await second.receive()), ["t", "v2"]);
  assert.deepEqual(texts(await second.receive()), ["t", "v3"]);
  assert.deepEqual(texts(await first.receive()), ["t", "v3"]);
  assert.equal(xpub.manual, false, "the option is its own; manual mode comes with it, as libzmq's");
  await xpub.close();
});
