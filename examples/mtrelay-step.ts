/**
 * Steps 1 and 2 of examples/mtrelay.ts, each in a worker thread: step 2
 * binds `inproc://step2` and waits for step 1's signal, then signals step 3
 * (the main thread) at `inproc://step3`.
 *
 * @module
 */
import { Pair } from "../mod.ts";
import { threadData } from "./mtserver-thread.ts";

const { step } = threadData<{ step: number }>();

if (step === 2) {
  const receiver = new Pair();
  await receiver.bind("inproc://step2");
  const [signal] = await receiver.receive();
  await receiver.close();
  const sender = new Pair();
  sender.connect("inproc://step3");
  await sender.send(`${new TextDecoder().decode(signal)}, step 2 ready`);
  await sender.close(); // delivers what is queued first (linger)
} else {
  const sender = new Pair();
  sender.connect("inproc://step2");
  await sender.send("step 1 ready");
  await sender.close();
}
