/**
 * The example page's script: a Subscriber to the weather Publisher and a
 * Request to the Reply, both over ws://, shown live. Bundled by build.ts.
 */
import { Push, Request, Subscriber, type ZmqError } from "../../mod.ts";

interface Endpoints {
  runtime: string;
  weather: string;
  echo: string;
}

/** The few DOM calls used here, typed locally: the repository type-checks without the DOM library. */
interface Element {
  textContent: string | null;
  value?: string;
  readonly children: { readonly length: number };
  readonly lastElementChild: Element | null;
  prepend(child: Element): void;
  remove(): void;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
}
const document = (globalThis as unknown as {
  document: { getElementById(id: string): Element | null; createElement(tag: string): Element };
}).document;

const $ = (id: string) => document.getElementById(id)!;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function item(list: Element, content: string, keep: number): void {
  const li = document.createElement("li");
  li.textContent = content;
  list.prepend(li);
  while (list.children.length > keep) list.lastElementChild!.remove();
}

const endpoints = await (await fetch("/endpoints.json")).json() as Endpoints;
$("server").textContent = `omq on ${endpoints.runtime}`;
$("endpoints").textContent = `${endpoints.weather}  ·  ${endpoints.echo}`;

// tcp cannot exist in a page: omq says so with EPROTONOSUPPORT rather than retrying forever.
try {
  new Push().connect("tcp://127.0.0.1:5555");
  $("check").textContent = "tcp:// was accepted (unexpected)";
} catch (err) {
  $("check").textContent = `tcp:// in a browser → ${(err as ZmqError).code}`;
}

const subscriber = new Subscriber();
subscriber.subscribe("");
subscriber.connect(endpoints.weather);
let updates = 0;
void (async () => {
  for await (const [update] of subscriber) {
    const [zip, temperature, humidity] = text(update).split(" ");
    $("count").textContent = String(++updates);
    item($("weather"), `zip ${zip}: ${temperature} °C, ${humidity}% humidity`, 10);
  }
})();

const request = new Request();
request.connect(endpoints.echo);
let asked = 0;
async function ask(question: string): Promise<void> {
  const started = performance.now();
  await request.send(question);
  const [answer] = await request.receive();
  const ms = (performance.now() - started).toFixed(1);
  item($("replies"), `#${++asked} "${question}" → "${text(answer)}" (${ms} ms)`, 8);
}
$("ask").addEventListener("submit", (event) => {
  event.preventDefault();
  void ask($("question").value || "ping");
});
await ask("hello from the browser");
$("status").textContent = "live";
