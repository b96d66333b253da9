/** Finds where a field path sits in a YAML document, so errors name file:line:col and the field. */
import { isMap, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { z } from "zod";
import { MappingError } from "./errors.ts";

export type Locate = (path: (string | number)[]) => { line: number; col: number };

export function locator(doc: Document, lc: LineCounter): Locate {
  return (path: (string | number)[]) => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (const key of path) {
      if (!isMap(node) && !isSeq(node)) break;
      const next = node.get(key as never, true) as Node | undefined;
      if (!next) {
        // a missing field: point at its parent's key
        const pair = isMap(node) ? node.items.find((p) => String((p.key as { value?: unknown })?.value) === String(key)) : undefined;
        if (pair?.key && (pair.key as Node).range) offset = (pair.key as Node).range![0];
        break;
      }
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value) === String(key));
        offset = (pair?.key as Node | undefined)?.range?.[0] ?? next.range?.[0] ?? offset;
      } else {
        offset = next.range?.[0] ?? offset;
      }
      node = next;
    }
    const pos = lc.linePos(offset);
    return { line: pos.line, col: pos.col };
  };
}

export function zodErrors(file: string, err: z.ZodError, locate: Locate): MappingError[] {
  return err.issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    // one error per unknown key, located at the key itself (a typo is found where it is)
    const at = issue.code === "unrecognized_keys" ? issue.keys.map((k) => ({ path: [...path, k], detail: `unknown field ${k}` })) : [{ path, detail: issue.message }];
    return at.map(({ path: p, detail }) => {
      const { line, col } = locate(p);
      return new MappingError(file, line, col, p.join("."), detail);
    });
  });
}
