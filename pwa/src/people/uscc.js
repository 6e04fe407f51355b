// GB 32100-2015 unified social credit code check (a hint on the phone; the server decides).
export const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The check character the first 17 characters call for, or null when they hold a foreign character. */
export function usccCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * (3 ** i % 31);
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** True when `code` is 18 characters of the alphabet with the right check character. */
export function isValidUscc(code) {
  const c = String(code ?? '').trim().toUpperCase();
  return c.length === 18 && usccCheckChar(c.slice(0, 17)) === c[17];
}
