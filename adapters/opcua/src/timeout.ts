/** Bounded waits: every OPC UA call the adapter makes ends, answered or not. */
import { AdapterError } from "gridhub/hub";

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AdapterError("TIMEOUT", `${what}: no answer within ${ms} ms`, true)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

