/** The schema's enumerations as Vocabulary parsers/formatters (open ones accept "x-" extensions). */
import { vocabulary } from "./lexical.ts";
import * as t from "./types.ts";

export const eventStatuses = vocabulary<t.EventStatus>(t.EVENT_STATUSES, false);
export const responseRequired = vocabulary<t.ResponseRequired>(t.RESPONSE_REQUIRED, false);
export const signalNames = vocabulary<t.SignalName>(t.SIGNAL_NAMES, true);
export const signalTypes = vocabulary<t.SignalType>(t.SIGNAL_TYPES, false);
export const optTypes = vocabulary<t.OptType>(t.OPT_TYPES, false);
export const optReasons = vocabulary<t.OptReason>(t.OPT_REASONS, true);
export const reportNames = vocabulary<t.ReportName>(t.REPORT_NAMES, true);
export const reportTypes = vocabulary<t.ReportType>(t.REPORT_TYPES, true);
export const readingTypes = vocabulary<t.ReadingType>(t.READING_TYPES, true);
export const dataQualities = vocabulary<t.DataQuality>(t.DATA_QUALITIES, true);
export const profileNames = vocabulary<t.ProfileName>(t.PROFILE_NAMES, false);
export const transportNames = vocabulary<t.TransportName>(t.TRANSPORT_NAMES, false);
export const serviceNames = vocabulary<t.ServiceName>(t.SERVICE_NAMES, false);
export const siScaleCodes = vocabulary<t.SiScaleCode>(t.SI_SCALE_CODES, false);
export const powerUnits = vocabulary<"W" | "J/s">(["W", "J/s"], false);
export const temperatureUnits = vocabulary<"celsius" | "fahrenheit">(["celsius", "fahrenheit"], false);
export const currencyDescriptions = vocabulary<"currency" | "currencyPerKW" | "currencyPerKWh">(
  ["currency", "currencyPerKW", "currencyPerKWh"],
  false,
);
