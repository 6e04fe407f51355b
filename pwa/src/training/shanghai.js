// Wall-clock times typed on the phone are China time (UTC+8, no DST), whatever the phone's own zone.

/** "2026-11-29T09:30" (Shanghai) → RFC 3339 UTC. */
export function shanghaiLocalToUtc(local) {
  if (!local) return null;
  const d = new Date(`${local.length === 16 ? `${local}:00` : local}+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Now as a datetime-local value in Shanghai ("2026-11-29T09:30"). */
export function nowInShanghaiLocal(now = Date.now()) {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 16);
}
