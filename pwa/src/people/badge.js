// A person's badge QR `P1.<user_id>.<mac>`: the officer's phone reads the user id offline; the server checks the mac.
const BADGE = /^P1\.([0-9a-fA-F-]{36})\.([0-9a-f]{16})$/;

/** {userId, mac} of a scanned badge, or null when the text is not a badge. */
export function parseBadge(text) {
  const m = BADGE.exec(String(text ?? '').trim());
  return m ? { userId: m[1].toLowerCase(), mac: m[2] } : null;
}
