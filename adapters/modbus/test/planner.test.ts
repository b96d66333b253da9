import { strict as assert } from "node:assert";
import { planReads, type Span } from "../src/planner.ts";

const limits = { maxRegisters: 125, maxBits: 2000, maxGap: 4 };
const span = (table: Span<string>["table"], start: number, count: number, item = `${table}${start}`): Span<string> => ({ table, start, count, item });

describe("poll planner", () => {
  it("merges spans across gaps up to maxGap, and no further", () => {
    const reqs = planReads([span("holding", 10, 2), span("holding", 16, 1), span("holding", 22, 2)], limits);
    assert.deepEqual(reqs.map((r) => [r.start, r.count]), [[10, 7], [22, 2]]);
  });

  it("never exceeds maxRegisters in one read", () => {
    const spans = Array.from({ length: 130 }, (_, i) => span("holding", 1000 + i, 1));
    const reqs = planReads(spans, limits);
    assert.deepEqual(reqs.map((r) => r.count), [125, 5]);
    assert.equal(reqs.flatMap((r) => r.spans).length, 130);
  });

  it("plans each table separately and orders spans by address", () => {
    const reqs = planReads([span("input", 5, 2), span("holding", 6, 2), span("holding", 1, 2), span("coil", 3, 1), span("coil", 40, 1)], limits);
    assert.deepEqual(reqs.map((r) => [r.table, r.start, r.count]), [["input", 5, 2], ["holding", 1, 7], ["coil", 3, 38]]);
  });

  it("covers overlapping spans (a point and its scale factor) once", () => {
    const reqs = planReads([span("holding", 100, 4, "a"), span("holding", 101, 1, "b"), span("holding", 103, 1, "sf")], limits);
    assert.equal(reqs.length, 1);
    assert.deepEqual([reqs[0].start, reqs[0].count, reqs[0].spans.length], [100, 4, 3]);
  });

  it("with maxGap 0 only contiguous spans are merged", () => {
    const reqs = planReads([span("holding", 0, 2), span("holding", 2, 2), span("holding", 5, 1)], { ...limits, maxGap: 0 });
    assert.deepEqual(reqs.map((r) => [r.start, r.count]), [[0, 4], [5, 1]]);
  });
});
