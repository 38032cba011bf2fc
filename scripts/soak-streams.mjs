// The stream side of scripts/soak.mjs, in a worker thread of its own so that reading
// thousands of streams never delays the main thread's write and OFREP timers.
// Each stream counts the events it receives and remembers the last event id; a stream
// that ends reconnects, resuming from that id as an SDK does.

import { parentPort, workerData } from 'node:worker_threads';

const { base, serverKey, streams } = workerData;
let events = 0;
let reconnects = 0;
const lastIds = new Array(streams).fill(null);

async function readEvents(response, onId) {
  const text = new TextDecoder();
  let pending = '';
  for await (const chunk of response.body) {
    pending += text.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) if (line.startsWith('id:')) onId(line.slice(3).trim());
  }
}

async function openStream(i) {
  for (;;) {
    try {
      const headers = { authorization: `Bearer ${serverKey}` };
      if (lastIds[i]) headers['last-event-id'] = lastIds[i];
      const r = await fetch(`${base}/sdk/v1/stream`, { headers });
      await readEvents(r, (id) => {
        events++;
        lastIds[i] = id;
      });
    } catch {
      /* reconnect below */
    }
    reconnects++;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

for (let i = 0; i < streams; i++) void openStream(i);
setInterval(() => parentPort.postMessage({ events, reconnects }), 1000);
parentPort.on('message', (m) => {
  if (m === 'last-ids') parentPort.postMessage({ events, reconnects, lastIds });
});
