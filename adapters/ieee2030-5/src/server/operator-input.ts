/** JSON bodies of the operator API, checked before anything changes. */
import { z } from "zod";

const Hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9A-Fa-f]{1,${bytes * 2}}$`), `hex, at most ${bytes} bytes`)
  .refine((s) => s.length % 2 === 0, "an even number of hex digits").transform((s) => s.toUpperCase());
const MRID = Hex(16);
const Description = z.string().max(32);
const Lfdi = z.string().regex(/^[0-9A-Fa-f]{40}$/, "an LFDI: 40 hex digits").transform((s) => s.toUpperCase());
/** an ISO 8601 date-time with offset, or 2030.5 seconds since the epoch */
export const Time = z.union([z.iso.datetime({ offset: true }).transform((s) => Math.floor(Date.parse(s) / 1000)), z.number().int().min(0)]);
const Ids = z.array(z.string().regex(/^\d+$/, "an id")).default([]);

export const DeviceInput = z.object({
  lfdi: Lfdi, pin: z.number().int().min(0).max(999999).optional(), description: Description.optional(),
}).strict();

export const FsaInput = z.object({
  mRID: MRID.optional(), description: Description.optional(),
  derPrograms: Ids, drPrograms: Ids, tariffs: Ids,
  devices: z.array(Lfdi).optional().describe("LFDIs the assignment is for; absent = every device"),
}).strict();

export const ProgramInput = z.object({
  mRID: MRID.optional(), description: Description.optional(), primacy: z.number().int().min(0).max(255),
}).strict();

const eventTiming = {
  mRID: MRID.optional(), description: Description.optional(),
  start: Time.optional().describe("default: now"),
  duration: z.number().int().min(1).max(0xffffffff).describe("seconds"),
  randomizeStart: z.number().int().min(-3600).max(3600).optional(),
  randomizeDuration: z.number().int().min(-3600).max(3600).optional(),
  responseRequired: Hex(1).default("03").describe("bits: 0 received, 1 specific (started/completed/...), 2 user"),
};

/** DERControlBase as the codec models it (opModMaxLimW in hundredths of a percent, opModTargetW {multiplier, value}, ...). */
export const DerControlInput = z.object({
  ...eventTiming,
  deviceCategory: Hex(4).optional(),
  base: z.record(z.string(), z.unknown()),
}).strict();

export const DefaultControlInput = z.object({
  mRID: MRID.optional(), description: Description.optional(), base: z.record(z.string(), z.unknown()),
}).strict();

export const CurveInput = z.record(z.string(), z.unknown());

export const EndDeviceControlInput = z.object({
  ...eventTiming,
  deviceCategory: Hex(4).default("FFFFFFFF"),
  drProgramMandatory: z.boolean().default(true),
  loadShiftForward: z.boolean().default(false),
  overrideDuration: z.number().int().min(0).max(0xffff).optional(),
  ApplianceLoadReduction: z.object({ type: z.number().int().min(0).max(255) }).strict().optional(),
  DutyCycle: z.object({ normalValue: z.number().int().min(0).max(100) }).strict().optional(),
  Offset: z.object({
    coolingOffset: z.number().int().min(0).max(255).optional(), heatingOffset: z.number().int().min(0).max(255).optional(),
    loadAdjustmentPercentageOffset: z.number().int().min(0).max(10000).optional(),
  }).strict().optional(),
  SetPoint: z.object({ coolingSetpoint: z.number().int().min(-32768).max(32767).optional(), heatingSetpoint: z.number().int().min(-32768).max(32767).optional() }).strict().optional(),
  TargetReduction: z.object({ type: z.number().int().min(0).max(255), value: z.number().int().min(0).max(0xffff) }).strict().optional(),
}).strict().refine((c) => c.ApplianceLoadReduction || c.DutyCycle || c.Offset || c.SetPoint || c.TargetReduction,
  "an EndDeviceControl needs one of ApplianceLoadReduction, DutyCycle, Offset, SetPoint, TargetReduction");

export const CancelInput = z.object({ randomized: z.boolean().default(false) }).strict();

export const TariffInput = z.object({
  mRID: MRID.optional(), description: Description.optional(),
  currency: z.number().int().min(0).max(999).optional().describe("ISO 4217 numeric (978 EUR, 840 USD)"),
  pricePowerOfTenMultiplier: z.number().int().min(-9).max(9).optional(),
  primacy: z.number().int().min(0).max(255),
  rateCode: z.string().max(20).optional(),
  rates: z.array(z.object({
    mRID: MRID.optional(), description: Description.optional(),
    roleFlags: Hex(2).default("0000"),
    readingType: z.object({
      uom: z.number().int().min(0).max(255).default(72),
      powerOfTenMultiplier: z.number().int().min(-9).max(9).optional(),
      flowDirection: z.number().int().min(0).max(255).optional(),
      kind: z.number().int().min(0).max(255).optional(),
    }).strict().prefault({}),
    intervals: z.array(z.object({
      mRID: MRID.optional(), description: Description.optional(),
      start: Time, duration: z.number().int().min(1).max(0xffffffff), touTier: z.number().int().min(0).max(15).default(0),
      responseRequired: Hex(1).default("00"),
      prices: z.array(z.object({
        consumptionBlock: z.number().int().min(0).max(16).default(0),
        price: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1),
        startValue: z.number().int().min(0).default(0),
      }).strict()).min(1),
    }).strict()).min(1),
  }).strict()).min(1),
}).strict();

export const ListQueryInput = z.object({ limit: z.coerce.number().int().min(1).max(10_000).optional(), subject: z.string().optional() }).strict();
