// The hub's live feed (/api/stream, Server-Sent Events) read with fetch, so that the token can travel in a
// header (EventSource cannot send one). Reconnects after a pause; `onStatus` reports connected/disconnected.
import { headers } from "./api.js";

export function openStream({ onEvent, onStatus }) {
  let stopped = false;
  let controller;

  let restarting = false;

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      restarting = false;
      try {
        const res = await fetch("/api/stream", { headers: headers(), signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
        onStatus(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            dispatch(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
        }
      } catch {
        // reconnect below
      }
      onStatus(false);
      if (!stopped && !restarting) await new Promise((ok) => setTimeout(ok, 2000));
    }
  }

  function dispatch(block) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length) onEvent(event, JSON.parse(data.join("\n")));
  }

  run();
  return {
    close() {
      stopped = true;
      controller?.abort();
    },
    /** reconnect now (after sign-in: the stream may have been refused without a token) */
    restart() {
      restarting = true;
      controller?.abort();
    },
  };
}
