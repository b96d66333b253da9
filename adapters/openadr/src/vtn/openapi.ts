/**
 * OpenAPI 3.1 document of the VTN operator API (api.ts), served at /api/adapters/<name>/openapi.json. Request
 * bodies are generated from the zod schemas the routes validate with, so they cannot drift; the test in
 * vtn-api.test.ts fails when a route of the router is not documented here, or a documented one is gone.
 */
import { z } from "zod";
import { CancelInput, EventChange, EventInput, ReportRequestInput, VenChange } from "./operator-input.ts";

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description = "OK") => ({ description, content: { "application/json": { schema } } });
const arrayOf = (items: Schema): Schema => ({ type: "array", items });
const strings: Schema = arrayOf({ type: "string" });
const err = (description: string) => json(ref("Error"), description);
const body = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Schema;
  return { required: true, content: { "application/json": { schema: rest } } };
};
const path = (name: string, description: string) => ({ name, in: "path", required: true, description, schema: { type: "string" } });
const query = (name: string, description: string, schema: Schema = { type: "string" }) => ({ name, in: "query", required: false, description, schema });

const VEN = path("venID", "the VEN's venID");
const EVENT = path("eventID", "the event's eventID");
const INVALID = { 400: err("the body or query does not validate (field and reason in the message)") };
const NO_VEN = { 404: err("no such VEN") };
const WRITE_AUTH = { 401: err("missing or wrong bearer token (enforced by the hub)") };

interface Op { summary: string; write?: boolean; params?: unknown[]; requestBody?: unknown; responses: Record<string, unknown>; description?: string }

function op({ summary, write, params, requestBody, responses, description }: Op) {
  return {
    summary,
    tags: ["vtn"],
    security: write ? [{ bearer: [] }] : [{}, { bearer: [] }],
    ...(description ? { description } : {}),
    ...(params ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: write ? { ...responses, ...WRITE_AUTH } : responses,
  };
}

const schemas: Record<string, Schema> = {
  Error: {
    type: "object", required: ["error"],
    properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, issues: arrayOf({ type: "object" }) } } },
  },
  Ven: {
    type: "object", required: ["venID", "fingerprint", "registered", "groups", "parties", "resources"],
    properties: {
      venID: { type: "string" }, fingerprint: { type: "string", description: "OpenADR fingerprint of the VEN's certificate" },
      venName: { type: "string" }, registered: { type: "boolean" }, registrationID: { type: "string" },
      profileName: { type: "string" }, transportName: { type: "string" },
      transportAddress: { type: "string", description: "push VENs only" }, httpPullModel: { type: "boolean" },
      reportOnly: { type: "boolean" }, xmlSignature: { type: "boolean" },
      groups: strings, parties: strings, resources: strings,
      registeredAt: { type: "string", format: "date-time" }, cancelledAt: { type: "string", format: "date-time" },
      lastSeen: { type: "string", format: "date-time" },
    },
  },
  VenDetail: {
    allOf: [ref("Ven"), { type: "object", properties: {
      queueDepth: { type: "integer", description: "payloads waiting for the VEN's next poll (or push)" },
      opts: arrayOf(ref("Opt")),
      events: arrayOf({ allOf: [ref("VenEventState"), { type: "object", properties: { eventID: { type: "string" } } }] }),
    } }],
  },
  Opt: {
    type: "object", required: ["venID", "optID", "optType", "optReason", "eiTarget", "createdDateTime"],
    properties: {
      venID: { type: "string" }, optID: { type: "string" }, optType: { enum: ["optIn", "optOut"] }, optReason: { type: "string" },
      marketContext: { type: "string" },
      vavailability: arrayOf({ type: "object", properties: { dtstart: { type: "string" }, duration: { type: "string" } } }),
      qualifiedEventID: { type: "object", properties: { eventID: { type: "string" }, modificationNumber: { type: "integer" } } },
      eiTarget: { type: "object" }, createdDateTime: { type: "string" }, receivedAt: { type: "string" },
    },
  },
  Event: {
    type: "object", required: ["eventID", "modificationNumber", "activePeriod", "signals", "targets", "responseRequired", "cancelled"],
    properties: {
      eventID: { type: "string" }, modificationNumber: { type: "integer" }, modificationDateTime: { type: "string" },
      modificationReason: { type: "string" }, createdDateTime: { type: "string" }, priority: { type: "integer" },
      marketContext: { type: "string" }, testEvent: { type: "string" }, vtnComment: { type: "string" },
      activePeriod: { type: "object" }, signals: arrayOf({ type: "object" }),
      targets: { type: "object", properties: { venID: strings, groupID: strings, resourceID: strings, partyID: strings } },
      responseRequired: { enum: ["always", "never"] }, cancelled: { type: "boolean" },
      eventStatus: { enum: ["far", "near", "active", "completed", "cancelled"], description: "from the clock, now" },
    },
  },
  VenEventState: {
    type: "object", required: ["venID", "optState"],
    properties: {
      venID: { type: "string" },
      optState: { enum: ["optIn", "optOut", "pending", "none"], description: "pending: no answer to the current modification yet" },
      modificationNumber: { type: "integer" }, via: { enum: ["createdEvent", "opt", "schedule"] }, optID: { type: "string" },
      at: { type: "string" },
    },
  },
  EventDetail: { allOf: [ref("Event"), { type: "object", properties: { vens: arrayOf(ref("VenEventState")) } }] },
  ReportRequest: {
    type: "object", required: ["venID", "reportRequestID", "reportSpecifierID", "rIDs", "state"],
    properties: {
      venID: { type: "string" }, reportRequestID: { type: "string" }, reportSpecifierID: { type: "string" }, reportName: { type: "string" },
      rIDs: arrayOf({ type: "object", properties: { rID: { type: "string" }, readingType: { type: "string" } } }),
      granularity: { type: "string" }, reportBackDuration: { type: "string" }, reportInterval: { type: "object" },
      state: { enum: ["requested", "active", "cancelling", "cancelled"] },
      createdAt: { type: "string" }, updatedAt: { type: "string" }, lastReportAt: { type: "string" },
    },
  },
  Reports: {
    type: "object",
    properties: {
      metadata: arrayOf({ type: "object", properties: {
        reportSpecifierID: { type: "string" }, reportName: { type: "string" }, descriptions: arrayOf({ type: "object" }), registeredAt: { type: "string" },
      } }),
      requests: arrayOf(ref("ReportRequest")),
    },
  },
  ReportValue: {
    type: "object", required: ["point", "ts", "value"],
    properties: { device: { type: "string" }, point: { type: "string", description: "rID" }, ts: { type: "string" }, value: { type: ["number", "string", "boolean", "null"] } },
  },
};

export function openApiDocument(adapter: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: `gridhub OpenADR 2.0b VTN "${adapter}" operator API`,
      version: "1.0.0",
      description: "Events, VENs, opts and reports of the VTN. Mounted under /api/adapters/" + adapter +
        "/; GET is open while the API is bound to the loopback, every other method needs the hub's bearer token.",
    },
    servers: [{ url: `/api/adapters/${adapter}` }],
    components: { schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths: {
      "/openapi.json": { get: op({ summary: "this document", responses: { 200: json({ type: "object" }) } }) },
      "/vens": { get: op({ summary: "VENs that ever registered", responses: { 200: json(arrayOf(ref("Ven"))) } }) },
      "/vens/{venID}": {
        get: op({ summary: "a VEN with its opts, queue depth and its answer to each live event", params: [VEN], responses: { 200: json(ref("VenDetail")), ...NO_VEN } }),
        patch: op({
          summary: "change the groupIDs, partyIDs and resourceIDs events target the VEN by", write: true, params: [VEN],
          requestBody: body(VenChange), responses: { 200: json(ref("Ven")), ...INVALID, ...NO_VEN },
        }),
      },
      "/vens/{venID}/opts": { get: op({ summary: "the VEN's opt schedules and per-event opts", params: [VEN], responses: { 200: json(arrayOf(ref("Opt"))), ...NO_VEN } }) },
      "/vens/{venID}/reports": { get: op({ summary: "METADATA the VEN registered and the report requests made of it", params: [VEN], responses: { 200: json(ref("Reports")), ...NO_VEN } }) },
      "/vens/{venID}/reports/data": {
        get: op({
          summary: "report data the VEN sent (oadrUpdateReport), oldest first", params: [VEN,
            query("rID", "one data point"), query("from", "ISO date-time, inclusive"), query("to", "ISO date-time, inclusive"),
            query("limit", "how many (default 10000)", { type: "integer", minimum: 1, maximum: 100000 })],
          responses: { 200: json(arrayOf(ref("ReportValue"))), ...INVALID, ...NO_VEN },
        }),
      },
      "/vens/{venID}/report-requests": {
        post: op({
          summary: "ask the VEN for a report (oadrCreateReport), by reportSpecifierID or report name, for some or all rIDs",
          write: true, params: [VEN], requestBody: body(ReportRequestInput),
          responses: { 201: json(ref("ReportRequest"), "queued for the VEN"), ...INVALID, 404: err("no such VEN or METADATA report"), 409: err("the VEN is not registered") },
        }),
      },
      "/vens/{venID}/report-requests/{reportRequestID}": {
        delete: op({
          summary: "cancel a report request (oadrCancelReport)", write: true, params: [VEN, path("reportRequestID", "the request")],
          responses: { 202: json(ref("ReportRequest"), "queued for the VEN"), 404: err("no such VEN or request"), 409: err("already cancelled, or the VEN is not registered") },
        }),
      },
      "/vens/{venID}/reregister": {
        post: op({ summary: "ask the VEN to register again (oadrRequestReregistration)", write: true, params: [VEN],
          responses: { 202: json({ type: "object" }, "queued for the VEN"), ...NO_VEN, 409: err("the VEN is not registered") } }),
      },
      "/vens/{venID}/registration": {
        delete: op({ summary: "end the VEN's registration (oadrCancelPartyRegistration)", write: true, params: [VEN],
          responses: { 202: json({ type: "object" }, "registration ended; the cancellation is queued for the VEN"), ...NO_VEN, 409: err("the VEN is not registered") } }),
      },
      "/events": {
        get: op({ summary: "events, earliest start first", params: [query("limit", "how many", { type: "integer", minimum: 1, maximum: 10000 })],
          responses: { 200: json(arrayOf(ref("Event"))), ...INVALID } }),
        post: op({
          summary: "issue an event (oadrDistributeEvent to every VEN it targets)", write: true, requestBody: body(EventInput),
          description: "An empty `targets` reaches every registered VEN. Each VEN receives only its own IDs in eiTarget.",
          responses: { 201: json(ref("Event"), "created and queued for its VENs"), ...INVALID, 409: err("an event with this eventID exists") },
        }),
      },
      "/events/{eventID}": {
        get: op({ summary: "an event with each targeted VEN's optIn/optOut state", params: [EVENT], responses: { 200: json(ref("EventDetail")), 404: err("no such event") } }),
        patch: op({
          summary: "modify an event (next modificationNumber; VENs no longer targeted get it removed from their list)", write: true,
          params: [EVENT], requestBody: body(EventChange),
          responses: { 200: json(ref("Event")), ...INVALID, 404: err("no such event"), 409: err("the event is cancelled or completed") },
        }),
      },
      "/events/{eventID}/cancel": {
        post: op({
          summary: "cancel an event (eventStatus cancelled, next modificationNumber)", write: true, params: [EVENT], requestBody: { ...body(CancelInput), required: false },
          responses: { 200: json(ref("Event")), ...INVALID, 404: err("no such event"), 409: err("the event is cancelled or completed") },
        }),
      },
    },
  };
}
