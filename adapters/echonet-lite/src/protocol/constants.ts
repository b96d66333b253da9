/** Wire constants of ECHONET Lite (spec Part II ch. 3; Appendix Release R), as verified in docs/decisions.md. */

export const ECHONET_PORT = 3610;
export const MULTICAST_V4 = "224.0.23.0";
export const MULTICAST_V6 = "ff02::1";

/** EHD1 0x10 (ECHONET Lite) + EHD2 0x81 (specified message format 1). */
export const EHD = 0x1081;

export const ESV = {
  SetI: 0x60,
  SetC: 0x61,
  Get: 0x62,
  INF_REQ: 0x63,
  SetGet: 0x6e,
  Set_Res: 0x71,
  Get_Res: 0x72,
  INF: 0x73,
  INFC: 0x74,
  INFC_Res: 0x7a,
  SetGet_Res: 0x7e,
  SetI_SNA: 0x50,
  SetC_SNA: 0x51,
  Get_SNA: 0x52,
  INF_SNA: 0x53,
  SetGet_SNA: 0x5e,
} as const;
export type EsvName = keyof typeof ESV;
export const esvName = new Map<number, EsvName>(Object.entries(ESV).map(([k, v]) => [v, k as EsvName]));

/** Requests a node answers, with the ESVs of its positive and negative answers (SetI has no positive answer). */
export const ANSWERS: Record<number, { ok?: number; sna: number }> = {
  [ESV.SetI]: { sna: ESV.SetI_SNA },
  [ESV.SetC]: { ok: ESV.Set_Res, sna: ESV.SetC_SNA },
  [ESV.Get]: { ok: ESV.Get_Res, sna: ESV.Get_SNA },
  [ESV.INF_REQ]: { ok: ESV.INF, sna: ESV.INF_SNA },
  [ESV.SetGet]: { ok: ESV.SetGet_Res, sna: ESV.SetGet_SNA },
};

/** Node profile object (class group 0x0E, class 0xF0), instance 0x01 = general node. */
export const NODE_PROFILE = 0x0ef001;
/** Instance code 0x00 addresses every instance of a class (used for discovery). */
export const NODE_PROFILE_ALL = 0x0ef000;
/** Controller class 0x05FF, the object a HEMS controller speaks as. */
export const CONTROLLER = 0x05ff01;

export const EPC = {
  manufacturerCode: 0x8a,
  infPropertyMap: 0x9d,
  setPropertyMap: 0x9e,
  getPropertyMap: 0x9f,
  /** node profile */
  selfNodeInstances: 0xd3,
  selfNodeClasses: 0xd4,
  instanceListNotification: 0xd5,
  selfNodeInstanceListS: 0xd6,
  selfNodeClassListS: 0xd7,
} as const;

/** A property map lists its EPCs up to 15 entries; from 16 on it is a 16-byte bitmap (Appendix, property map format). */
export const PROPERTY_MAP_LIST_MAX = 15;
/** An instance list (0xD5/0xD6) carries at most 84 EOJs. */
export const INSTANCE_LIST_MAX = 84;
