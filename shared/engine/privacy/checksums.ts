/**
 * The checks that turn a digit pattern into a likely identifier: payment-card Luhn and issuer ranges, IBAN
 * mod-97 and country lengths, US Social Security number rules, and Shannon entropy for secrets.
 */

/**
 * Luhn (mod 10) check over a string of digits (ISO/IEC 7812-1 Annex B): from the rightmost digit, double
 * every second digit, subtract 9 from results above 9, and the sum must be a multiple of 10.
 * @example luhnValid('4111111111111111') // → true
 */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let v = digits.charCodeAt(i) - 48;
    if (v < 0 || v > 9) return false;
    if (double) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * The card network whose issuer identification number (IIN) range and length the digits fit, or null.
 * Ranges from the networks' published IIN tables (ISO/IEC 7812): Visa 4 (13, 16, 19 digits); Mastercard
 * 51–55 and 2221–2720 (16); American Express 34, 37 (15); Discover 6011, 644–649, 65 and 622126–622925 (16–19);
 * JCB 3528–3589 (16–19); Diners Club 300–305, 36, 38, 39 (14–19); UnionPay 62 (16–19); Maestro 5018, 5020,
 * 5038, 5893, 6304, 6759, 6761–6763 (12–19).
 * @example cardBrand('378282246310005') // → 'American Express'
 */
export function cardBrand(digits: string): string | null {
  const n = digits.length;
  const p = (k: number) => Number(digits.slice(0, k));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'Visa';
  if (n === 16 && ((p(2) >= 51 && p(2) <= 55) || (p(4) >= 2221 && p(4) <= 2720))) return 'Mastercard';
  if (n === 15 && (p(2) === 34 || p(2) === 37)) return 'American Express';
  if (n >= 16 && n <= 19 && (p(4) === 6011 || (p(3) >= 644 && p(3) <= 649) || p(2) === 65 || (p(6) >= 622126 && p(6) <= 622925))) return 'Discover';
  if (n >= 16 && n <= 19 && p(4) >= 3528 && p(4) <= 3589) return 'JCB';
  if (n >= 14 && n <= 19 && ((p(3) >= 300 && p(3) <= 305) || p(2) === 36 || p(2) === 38 || p(2) === 39)) return 'Diners Club';
  if (n >= 16 && n <= 19 && p(2) === 62) return 'UnionPay';
  if (n >= 12 && n <= 19 && [5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(p(4))) return 'Maestro';
  return null;
}

/**
 * IBAN length per country code, from the SWIFT IBAN Registry (ISO 13616-1), release of 2024: an IBAN with a
 * known country code and any other length is rejected before its checksum is computed.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/**
 * ISO 13616 / ISO 7064 MOD 97-10 check of an IBAN without spaces: a registered country, its registered length,
 * and (first four characters moved to the end, letters as 10…35) the number mod 97 equals 1. The remainder is
 * computed digit by digit so no big integer is needed.
 * @example ibanValid('GB82WEST12345698765432') // → true
 */
export function ibanValid(iban: string): boolean {
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length === undefined || iban.length !== length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) remainder = (remainder * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) remainder = (remainder * 100 + (c - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/**
 * Whether area-group-serial can be a US Social Security number (SSA, "Social Security Number Randomization",
 * 2011, and 20 CFR 422.103): the area is never 000, 666 or 900–999, the group never 00, the serial never
 * 0000. (Before 2011 areas above 772 were unassigned; randomisation opened them, so they are accepted.)
 * @example ssnValid('123', '45', '6789') // → true; ssnValid('666', '12', '3456') // → false
 */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && Number(group) !== 0 && Number(serial) !== 0;
}

/**
 * Shannon entropy in bits per character of the string's character frequencies, H = −Σ p·log₂ p.
 * @example shannonEntropy('aabb') // → 1
 */
export function shannonEntropy(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Decodes base64url (RFC 4648 §5, padding optional) to text as Latin-1 code units; null if malformed. */
export function base64UrlDecode(text: string): string | null {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1) return null;
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = alphabet.indexOf(clean[i]);
    if (v < 0) return null;
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}
