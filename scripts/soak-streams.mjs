// The stream side of scripts/soak.mjs, in a worker thread of its own so that reading
// thousands of streams never delays the main thread's write and OFREP timers.
// Each stream counts the events it receives and remembers the last event id; a stream
// that ends reconnects, resuming from that id as an SDK does. The main thread imports
// readEvents from here too.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Calls onId with each event id of an SSE response, until the response ends. */
export async function readEvents(response, onId) {
  const text = new TextDecoder();
  let pending = '';
  for await (const chunk of response.body) {
    pending += text.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) if (line.startsWith('id:')) onId(line.slice(3).trim());
  }
}

async function openStream(i, { base, serverKey }, lastIds, counts) {
  for (;;) {
    try {
      const headers = { authorization: `Bearer ${serverKey}` };
      if (lastIds[i]) headers['last-event-id'] = lastIds[i];
      const r = await fetch(`${base}/sdk/v1/stream`, { headers });
      await readEvents(r, (id) => {
        counts.events++;
        lastIds[i] = id;
      });
    } catch {
      /* reconnect below */
    }
    counts.reconnects++;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

if (!isMainThread) {
  const counts = { events: 0, reconnects: 0 };
  const lastIds = new Array(workerData.streams).fill(null);
  for (let i = 0; i < workerData.streams; i++) void openStream(i, workerData, lastIds, counts);
  setInterval(() => parentPort.postMessage({ ...counts }), 1000);
  parentPort.on('message', (m) => {
    if (m === 'last-ids') parentPort.postMessage({ ...counts, lastIds });
  });
}
