/** The `a=fingerprint:` value of an SDP blob (session or first media level), normalised to lower case. */
export function sdpFingerprint(sdp: string): string | undefined {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return match ? `${match[1]!.toLowerCase()} ${match[2]!.toLowerCase()}` : undefined;
}
