/**
 * node-opcua logs through process-wide hooks straight to the console. They are pointed at the pino logger of the
 * most recently started adapter or simulator; library warnings go to debug and library errors to warn, because the
 * adapter reports what matters (lost connections, refused certificates) itself.
 */
import { format } from "node:util";
import { setErrorLogger, setWarningLogger } from "node-opcua";
import type { Logger } from "pino";

const sinks: Logger[] = [];
let hooked = false;

function forward(level: "debug" | "warn", args: unknown[]) {
  const sink = sinks.at(-1);
  if (!sink) return;
  // the first argument is node-opcua's call-site context ({ filename, callerline })
  const [context, ...rest] = args as [{ filename?: string } | undefined, ...unknown[]];
  sink[level]({ lib: "node-opcua", at: context?.filename }, format(...rest));
}

/** Routes node-opcua's log to `logger` until the returned function is called. */
export function routeLibraryLog(logger: Logger): () => void {
  if (!hooked) {
    setWarningLogger((...args: unknown[]) => forward("debug", args));
    setErrorLogger((...args: unknown[]) => forward("warn", args));
    hooked = true;
  }
  sinks.push(logger);
  return () => {
    const i = sinks.lastIndexOf(logger);
    if (i >= 0) sinks.splice(i, 1);
  };
}
