/**
 * The API's OpenAPI 3.1 document, written as data. test/api.test.ts walks the express routers and fails when a
 * route is missing here (or documented but gone), so the document cannot drift from the code.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description = "OK") => ({ description, content: { "application/json": { schema } } });
const arrayOf = (schema: Schema): Schema => ({ type: "array", items: schema });
const mapOf = (schema: Schema): Schema => ({ type: "object", additionalProperties: schema });
const err = (description: string) => json(ref("Error"), description);
const pathParam = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });
const query = (name: string, description: string, schema: Schema = { type: "string" }) => ({ name, in: "query", required: false, description, schema });
const limit = (def: number, max: number) => query("limit", `how many (default ${def}, at most ${max})`, { type: "integer", minimum: 1, maximum: max });

const READ = [{}, { bearer: [] }];
const WRITE = [{ bearer: [] }];
const UNAUTHORIZED = { 401: err("missing or wrong bearer token (the refusal is audited)") };

interface Op {
  summary: string;
  tag: string;
  /** needs the token */
  write?: boolean;
  /** never needs the token */
  open?: boolean;
  params?: unknown[];
  body?: unknown;
  responses: Record<string, unknown>;
  description?: string;
}

function op({ summary, tag, write, open, params, body, responses, description }: Op) {
  return {
    summary, tags: [tag], security: open ? [] : write ? WRITE : READ,
    ...(description ? { description } : {}),
    ...(params ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: { ...responses, ...(open ? {} : UNAUTHORIZED) },
  };
}

const schemas: Record<string, Schema> = {
  Error: {
    type: "object", required: ["error"],
    properties: { error: { type: "object", required: ["code", "message"], properties: {
      code: { type: "string" }, message: { type: "string" },
      issues: arrayOf({ type: "object", properties: { path: { type: "string" }, message: { type: "string" } } }),
    } } },
  },
  Health: {
    type: "object", required: ["state", "since", "counters"],
    properties: {
      state: { enum: ["starting", "up", "degraded", "down", "stopped"] }, since: { type: "string", format: "date-time" },
      role: { enum: ["northbound", "southbound"] }, protocol: { type: "string" },
      lastError: { type: "object", properties: { message: { type: "string" }, code: { type: "string" }, at: { type: "string", format: "date-time" } } },
      counters: mapOf({ type: "integer" }),
      latency: { type: "object", properties: { count: { type: "integer" }, p50: { type: "number" }, p99: { type: "number" } } },
      detail: { type: "object" },
    },
  },
  Adapter: {
    allOf: [ref("Health"), { type: "object", properties: {
      capabilities: { type: "object", properties: { discover: { type: "boolean" }, subscribe: { type: "boolean" }, batchRead: { type: "boolean" }, relinquish: { type: "boolean" } } },
      discover: { type: "boolean", description: "the adapter implements discovery (POST /api/adapters/{name}/discover)" },
      devices: { type: "integer" },
    } }],
  },
  LiveValue: {
    type: "object", required: ["value", "ts", "quality"],
    properties: { value: { type: ["number", "string", "boolean", "null"], description: "engineering value (scale, offset, enum label applied)" },
      raw: {}, ts: { type: "string", format: "date-time" }, quality: { enum: ["good", "uncertain", "bad"] }, error: { type: "string" } },
  },
  Device: {
    type: "object", required: ["id", "adapter", "address", "groups"],
    properties: { id: { type: "string" }, adapter: { type: "string" }, table: { type: "string" }, address: { type: "object" },
      groups: arrayOf({ type: "string" }), deviceClass: { type: "string" }, pointCount: { type: "integer" }, values: mapOf(ref("LiveValue")) },
  },
  DeviceDetail: {
    allOf: [ref("Device"), { type: "object", properties: { points: arrayOf({
      type: "object", required: ["point", "access", "type"],
      properties: { point: { type: "string" }, address: { type: "object" }, type: { type: "string" }, access: { enum: ["r", "w", "rw"] },
        unit: { type: "string" }, min: { type: "number" }, max: { type: "number" }, poll: { type: "string" }, subscribe: { type: "boolean" },
        labels: arrayOf({ type: "string" }), description: { type: "string" }, live: ref("LiveValue"), priority: { type: "integer" } },
    }) } }],
  },
  PointValue: {
    type: "object", required: ["device", "point", "ts", "quality"],
    properties: { device: { type: "string" }, point: { type: "string" }, value: {}, ts: { type: "string", format: "date-time" },
      quality: { enum: ["good", "uncertain", "bad"] }, error: { type: "object" } },
  },
  TelemetryRow: {
    type: "object", required: ["device", "point", "ts", "value"],
    properties: { device: { type: "string" }, point: { type: "string" }, ts: { type: "string", format: "date-time" }, value: { type: ["number", "string", "boolean", "null"] } },
  },
  MappingSummary: {
    type: "object", required: ["table", "protocol", "file", "triggers", "points"],
    properties: { table: { type: "string" }, protocol: { type: "string" }, deviceClass: { type: "string" }, file: { type: "string" },
      triggers: arrayOf({ type: "string" }), points: { type: "integer" }, devices: arrayOf({ type: "string" }) },
  },
  NeutralMessage: {
    type: "object", required: ["type", "targets", "body"],
    description: "a neutral message (docs: /work/shared/design/neutral-model.md); id, source and created default to a fresh id, \"operator\" and now",
    properties: {
      id: { type: "string" }, type: { type: "string", examples: ["LoadGenerationManagement", "Command", "Emergency"] }, source: { type: "string" },
      targets: arrayOf({ type: "object", required: ["kind"], properties: { kind: { enum: ["device", "group", "building", "cem", "all"] }, id: { type: "string" } } }),
      created: { type: "string", format: "date-time" },
      validity: { type: "object", properties: { start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" } } },
      correlationId: { type: "string" }, origin: { type: "object", properties: { protocol: { type: "string" }, ref: { type: "string" } } },
      body: { type: "object" },
    },
  },
  PublishReceipt: {
    type: "object", required: ["id", "duplicate", "delivered"],
    properties: { id: { type: "string" }, duplicate: { type: "boolean" }, delivered: { type: "integer", description: "subscribers reached" } },
  },
  DryRunRequest: {
    type: "object", required: ["message"],
    description: "give `table` to evaluate a table alone, or `device` to use its table and its live values (for `from: current`)",
    properties: { table: { type: "string" }, device: { type: "string" }, message: ref("NeutralMessage"), at: { type: "string", format: "date-time" } },
  },
  DryRunResult: {
    type: "object", required: ["table", "rule", "window", "writes"],
    properties: {
      table: { type: "string" }, device: { type: "string" },
      rule: { type: ["object", "null"], properties: { trigger: { type: "string" }, index: { type: "integer" }, description: { type: "string" } } },
      window: { type: "object", properties: { start: { type: "number" }, end: { type: "number" } } },
      writes: arrayOf({ type: "object", required: ["kind", "point"], properties: {
        kind: { enum: ["set", "while"] }, point: { type: "string" }, value: {}, raw: {}, priority: { type: "integer" }, restore: {}, error: { type: "string" },
      } }),
    },
  },
  Actuation: {
    type: "object", required: ["at", "device", "point", "value", "action", "messageId", "trigger", "ok"],
    properties: { at: { type: "string", format: "date-time" }, device: { type: "string" }, point: { type: "string" }, value: {},
      action: { enum: ["write", "restore", "relinquish"] }, messageId: { type: "string" }, trigger: { type: "string" }, ok: { type: "boolean" }, error: { type: "string" } },
  },
  Activation: {
    type: "object", required: ["id", "device", "messageId", "trigger", "start"],
    properties: { id: { type: "string" }, device: { type: "string" }, messageId: { type: "string" }, trigger: { type: "string" },
      start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" } },
  },
  EventSummary: {
    type: "object", required: ["id", "title", "source", "state", "devices", "actions", "failed", "results"],
    properties: {
      id: { type: "string", description: "the store's event id when a protocol record exists; else the origin (protocol:ref), else the first message id" },
      title: { type: "string" }, type: { type: "string" }, trigger: { type: "string" }, source: { type: "string" },
      state: { type: "string", description: "the protocol record's state when there is one (pending, far, near, active, completed, cancelled, superseded), else pending | active | completed" },
      start: { type: "string", format: "date-time" }, end: { type: "string", format: "date-time" }, received: { type: "string", format: "date-time" },
      devices: arrayOf({ type: "string" }), actions: { type: "integer" }, failed: { type: "integer" }, results: mapOf({ type: "integer" }),
      optState: { enum: ["optIn", "optOut", "none"] }, protocol: { type: "object", description: "the store's event record (without payload)" },
    },
  },
  EventDetail: {
    allOf: [ref("EventSummary"), { type: "object", properties: {
      messages: arrayOf(ref("NeutralMessage")), actions: arrayOf(ref("Actuation")),
      results: arrayOf({ type: "object", properties: { device: { type: "string" }, outcome: { type: "string" }, reason: { type: "string" }, at: { type: "string" }, messageId: { type: "string" } } }),
      audit: arrayOf(ref("AuditRow")), protocol: { type: "object", description: "the store's event record, payload included" },
    } }],
  },
  PowerSample: { type: "object", required: ["at", "w"], properties: { at: { type: "string", format: "date-time" }, w: { type: "number", description: "net building power, W (consumption positive)" } } },
  EventPower: {
    type: "object", required: ["event", "start", "from", "to", "series", "baseline", "during", "change"],
    properties: {
      event: { type: "string" }, start: { type: "string" }, end: { type: "string" }, from: { type: "string" }, to: { type: "string" },
      series: arrayOf(ref("PowerSample")),
      baseline: { type: ["object", "null"], properties: { w: { type: "number" }, method: { type: "string" }, from: { type: "string" }, to: { type: "string" } } },
      during: { type: ["number", "null"], description: "mean power since the start (until the end)" },
      change: { type: ["number", "null"], description: "during - baseline (negative = reduction)" },
    },
  },
  AuditRow: {
    type: "object", required: ["id", "ts", "actor", "action", "outcome"],
    properties: { id: { type: "integer" }, ts: { type: "string", format: "date-time" }, actor: { type: "string" }, action: { type: "string" },
      target: { type: "string" }, outcome: { enum: ["ok", "refused", "failed"] }, detail: { type: "object" } },
  },
  Job: {
    type: "object", required: ["id", "kind", "adapter", "state", "started", "timeoutMs", "progress", "found"],
    properties: {
      id: { type: "string" }, kind: { const: "discover" }, adapter: { type: "string" }, state: { enum: ["running", "done", "failed", "cancelled"] },
      started: { type: "string", format: "date-time" }, finished: { type: "string", format: "date-time" }, timeoutMs: { type: "integer" },
      progress: { type: "object", required: ["done", "found"], properties: { done: { type: "integer" }, total: { type: "integer" }, found: { type: "integer" }, message: { type: "string" } } },
      found: arrayOf({ type: "object", required: ["address"], properties: {
        address: { type: "object" }, deviceClass: { type: "string" }, table: { type: "string" }, info: { type: "object" },
        known: { type: "string", description: "the configured device at this address" },
      } }),
      error: { type: "string" }, config: { type: "string", description: "a devices: block (YAML) for the hub config, with the devices it does not have yet" },
    },
  },
};

const id = pathParam("id", "identifier");

export function openApiDocument(site: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "gridhub API", version: "0.1.0",
      description: `Customer Energy Manager gateway, site ${site}. Reads are open while the API is bound to the loopback (the default); `
        + "every write needs `Authorization: Bearer <token>` (api.token in the config, or the file data/api-token). Off the loopback every request needs the token.",
    },
    servers: [{ url: "/" }],
    tags: ["adapters", "devices", "mappings", "events", "log", "control", "live"].map((name) => ({ name })),
    paths: {
      "/api/openapi.json": { get: op({ summary: "this document", tag: "control", responses: { 200: json({ type: "object" }) } }) },
      "/api/health": { get: op({ summary: "site, adapter health, device and activation counts", tag: "adapters", responses: { 200: json({ type: "object", properties: {
        site: { type: "object" }, adapters: mapOf(ref("Health")), devices: { type: "integer" }, activations: { type: "integer" } } }) } }) },
      "/api/adapters": { get: op({ summary: "adapters with health, counters, latency and capabilities", tag: "adapters", responses: { 200: json(mapOf(ref("Adapter"))) } }) },
      "/api/adapters/{name}/discover": { post: op({
        summary: "start a discovery scan (a job; follow it at /api/jobs/{id} or on the stream's job topic)", tag: "adapters", write: true,
        params: [pathParam("name", "adapter instance name")],
        body: { required: false, content: { "application/json": { schema: { type: "object", properties: { timeoutMs: { type: "integer", minimum: 100, maximum: 300000, default: 10000 } } } } } },
        responses: { 202: json(ref("Job"), "the job, started"), 400: err("the adapter cannot discover"), 404: err("no such adapter"), 409: err("a scan of this adapter is running") },
      }) },
      "/api/jobs": { get: op({ summary: "running and recent jobs", tag: "adapters", responses: { 200: json(arrayOf(ref("Job"))) } }) },
      "/api/jobs/{id}": {
        get: op({ summary: "a job with its progress and results", tag: "adapters", params: [id], responses: { 200: json(ref("Job")), 404: err("no such job") } }),
        delete: op({ summary: "cancel a running job", tag: "adapters", write: true, params: [id], responses: { 202: json(ref("Job")), 404: err("no such job"), 409: err("the job has finished") } }),
      },
      "/api/devices": { get: op({ summary: "devices with live values", tag: "devices", responses: { 200: json(arrayOf(ref("Device"))) } }) },
      "/api/devices/{id}": { get: op({ summary: "a device with its points (definitions and live values)", tag: "devices", params: [id], responses: { 200: json(ref("DeviceDetail")), 404: err("no such device") } }) },
      "/api/devices/{id}/read": { post: op({ summary: "read every readable point now", tag: "devices", write: true, params: [id], responses: { 200: json(arrayOf(ref("PointValue"))), 404: err("no such device") } }) },
      "/api/devices/{id}/telemetry": { get: op({
        summary: "stored point history", tag: "devices",
        params: [id, query("point", "one point"), query("from", "ISO 8601 start"), query("to", "ISO 8601 end"), limit(1000, 10000)],
        responses: { 200: json(arrayOf(ref("TelemetryRow"))) },
      }) },
      "/api/groups": { get: op({ summary: "groups and their members", tag: "devices", responses: { 200: json(mapOf(arrayOf({ type: "string" }))) } }) },
      "/api/groups/{group}": { put: op({
        summary: "set a group's members", tag: "devices", write: true, params: [pathParam("group", "group name")],
        body: { required: true, content: { "application/json": { schema: { type: "object", required: ["members"], properties: { members: arrayOf({ type: "string" }) } } } } },
        responses: { 200: json(arrayOf({ type: "string" })), 400: err("unknown devices or a malformed body") },
      }) },
      "/api/mappings": { get: op({ summary: "loaded mapping tables", tag: "mappings", responses: { 200: json(arrayOf(ref("MappingSummary"))) } }) },
      "/api/mappings/{table}": { get: op({
        summary: "one mapping table", tag: "mappings", params: [pathParam("table", "table id; it contains a slash, e.g. storage-battery/echonet-lite")],
        responses: { 200: json({ type: "object" }), 404: err("no such table") },
      }) },
      "/api/mappings/validate": { post: op({
        summary: "validate a table (YAML) without loading it", tag: "mappings",
        description: "Parses and checks the posted text only: it touches neither the hub nor a device, so it needs no token.",
        body: { required: true, content: { "text/yaml": { schema: { type: "string" } } } },
        responses: {
          200: json({ type: "object", properties: { ok: { const: true }, tables: arrayOf({ type: "string" }) } }),
          415: err("not sent as text/yaml"),
          422: json({ type: "object", properties: { ok: { const: false }, errors: arrayOf({ type: "object", properties: {
            line: { type: "integer" }, col: { type: "integer" }, field: { type: "string" }, message: { type: "string" } } }) } }, "the table's errors with their lines"),
        },
      }) },
      "/api/mappings/dry-run": { post: op({
        summary: "what a message would make a table (or a device) write, without writing", tag: "mappings", write: true,
        description: "Nothing is written. Against a device, the points the matched rule takes over are read first (for `from: current`).",
        body: { required: true, content: { "application/json": { schema: ref("DryRunRequest") } } },
        responses: { 200: json(ref("DryRunResult")), 400: err("malformed request"), 404: err("no such table or device"), 422: err("invalid message") },
      }) },
      "/api/events": { get: op({
        summary: "grid-side events, newest first: state, devices acting, action counts, results", tag: "events",
        params: [query("state", "comma-separated states"), limit(200, 1000)], responses: { 200: json(arrayOf(ref("EventSummary"))) },
      }) },
      "/api/events/{id}": { get: op({
        summary: "an event: its messages, device actions, results, opt decisions and reports (audit)", tag: "events", params: [id],
        responses: { 200: json(ref("EventDetail")), 404: err("no such event") },
      }) },
      "/api/events/{id}/power": { get: op({
        summary: "building power before, during and after an event, with a baseline", tag: "events", params: [id],
        description: "The baseline is the mean power over a span before the start as long as the event (15 min to 2 h).",
        responses: { 200: json(ref("EventPower")), 404: err("no such event, or it has no start") },
      }) },
      "/api/power": { get: op({
        summary: "net building power now and over the last minutes", tag: "events",
        params: [query("minutes", "history span (default 60)", { type: "integer", minimum: 1 })],
        responses: { 200: json({ type: "object", properties: { device: { type: "string" }, current: { type: ["number", "null"] }, series: arrayOf(ref("PowerSample")) } }) },
      }) },
      "/api/actuations": { get: op({
        summary: "activations in force and recent device actions", tag: "log", params: [limit(200, 500)],
        responses: { 200: json({ type: "object", properties: { active: arrayOf(ref("Activation")), recent: arrayOf(ref("Actuation")) } }) },
      }) },
      "/api/audit": { get: op({
        summary: "the audit log, newest first", tag: "log",
        params: [query("actor", "exact actor"), query("action", "exact action"), query("outcome", "ok | refused | failed"), limit(200, 1000)],
        responses: { 200: json(arrayOf(ref("AuditRow"))), 400: err("bad outcome") },
      }) },
      "/api/session": { get: op({
        summary: "check a token (the UI's login)", tag: "control", write: true,
        responses: { 200: json({ type: "object", properties: { ok: { const: true }, site: { type: "object" } } }) },
      }) },
      "/api/messages": { post: op({
        summary: "publish a neutral message onto the bus (devices act on it as on a grid message)", tag: "control", write: true,
        body: { required: true, content: { "application/json": { schema: ref("NeutralMessage") } } },
        responses: { 200: json(ref("PublishReceipt"), "a duplicate id: acknowledged, not delivered again"), 202: json(ref("PublishReceipt"), "accepted"),
          400: err("malformed JSON"), 413: err("body too large"), 422: err("invalid message, with the fields") },
      }) },
      "/api/stream": { get: op({
        summary: "live feed (Server-Sent Events)", tag: "live",
        description: "Events: message (accepted bus messages), actuation (device actions), device ({id, values}), health (adapters, on change), "
          + "power ({at, w}), event ({id} of a changed event), job (job state). Each data line is JSON.",
        params: [query("topics", "comma-separated topics (default all)")],
        responses: { 200: { description: "an endless event stream", content: { "text/event-stream": { schema: { type: "string" } } } }, 400: err("unknown topic") },
      }) },
      "/": { get: op({
        summary: "the operator web UI (redirects to /ui/; the UI's files are not behind the token)", tag: "live", open: true,
        responses: { 302: { description: "to /ui/", headers: { location: { schema: { type: "string" } } } } },
      }) },
      "/metrics": { get: op({
        summary: "Prometheus metrics", tag: "live",
        responses: { 200: { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } } },
      }) },
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "the hub's API token" } },
      schemas,
    },
  };
}
