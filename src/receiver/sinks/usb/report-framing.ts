/**
 * Reports on a USB HID pipe carry the report id as their first byte when the descriptor declares ids;
 * the RemoteHidDevice API carries it separately (as WebHID does).
 */

export function frameReport(reportId: number, data: Uint8Array, usesReportIds: boolean): Uint8Array {
  if (!usesReportIds) return data;
  const framed = new Uint8Array(data.length + 1);
  framed[0] = reportId;
  framed.set(data, 1);
  return framed;
}

export function splitReport(
  framed: Uint8Array,
  usesReportIds: boolean,
): { reportId: number; data: Uint8Array } {
  if (!usesReportIds || framed.length === 0) return { reportId: 0, data: framed };
  return { reportId: framed[0] ?? 0, data: framed.subarray(1) };
}
