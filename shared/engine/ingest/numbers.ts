/**
 * Text → float32, one rule for every reader: a value is `Math.fround(Number(text))`, so the byte-level CSV
 * path and the general (papaparse) path agree bit for bit. Missing and non-finite values are told apart
 * from plain non-numbers, because the validation report counts them separately.
 */

/** Outcome of reading one value meant to be a number. */
export const NumberState = { Ok: 0, Missing: 1, NonFinite: 2, NotANumber: 3 } as const;
export type NumberState = (typeof NumberState)[keyof typeof NumberState];

/** Tokens that mean "no value" (pandas' defaults minus the NaN spellings, which count as non-finite). */
const MISSING = new Set(['', 'NA', 'N/A', 'n/a', 'null', 'NULL', 'None', '-']);
/** Spellings of NaN and infinity that Number() rejects but that mean a non-finite number, not a typo. */
const NON_FINITE = new Set(['nan', 'NaN', 'NAN', 'inf', '-inf', '+inf', 'Inf', '-Inf', '+Inf', 'INF', '-INF', 'Infinity', '-Infinity', '+Infinity']);

/**
 * Classifies `text` and returns its float32 value (NaN unless Ok).
 * @example classifyNumber(' 0.1 ') → { state: Ok, value: 0.10000000149011612 }
 */
export function classifyNumber(text: string): { state: NumberState; value: number } {
  const trimmed = text.trim();
  if (MISSING.has(trimmed)) return { state: NumberState.Missing, value: NaN };
  if (NON_FINITE.has(trimmed)) return { state: NumberState.NonFinite, value: NaN };
  const value = Math.fround(Number(trimmed));
  if (Number.isNaN(value)) return { state: NumberState.NotANumber, value };
  // Number('1e39') is finite but overflows float32 to Infinity; that is a non-finite feature too.
  if (!Number.isFinite(value)) return { state: NumberState.NonFinite, value };
  return { state: NumberState.Ok, value };
}

/** Exact powers of ten: every one up to 1e22 is representable in a double (5^22 < 2^53). */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const TWO53 = 2 ** 53;

/**
 * Scans the simple decimal `[+-]?digits[.digits]?([eE][+-]?digits)?` starting at bytes[start] (stopping at
 * `end` or the first byte that does not continue it) and returns the index where it stopped, with the
 * correctly rounded double in out[0]; returns -1 when there is no such decimal or it cannot be computed
 * exactly this way. The caller checks that the decimal fills its whole field.
 *
 * Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990): when the
 * decimal significand m is an integer below 2^53 and |e| ≤ 22, both m and 10^|e| are exact doubles, so the
 * single IEEE operation m × 10^e or m ÷ 10^-e is correctly rounded — the same double Number() returns.
 * Everything else (17-digit significands, large exponents, whitespace, hex, Infinity) takes the slow way
 * (classifyNumber), so a field's value always equals Math.fround(Number(text)) once the caller stores it in
 * a Float32Array. The value goes through `out` to keep the hot loop free of allocations.
 * @example scanDecimal(bytesOf('-1.25e2,7'), 0, 9, out) → 7, out[0] = -125
 */
export function scanDecimal(bytes: Uint8Array, start: number, end: number, out: Float64Array): number {
  let i = start;
  if (i === end) return -1;
  let negative = false;
  let c = bytes[i];
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    i++;
  }
  // Digits accumulate in an int32 while they fit (9 digits), then in a double: integer arithmetic keeps the
  // common short numbers off the slower floating-point dependency chain.
  let small = 0;
  let m = 0;
  let digits = 0;
  let exp = 0;
  let fraction = false;
  for (; i < end; i++) {
    c = bytes[i];
    if (c >= 48 && c <= 57) {
      if (digits < 9) small = small * 10 + (c - 48);
      else m = m * 10 + (c - 48);
      digits++;
      if (fraction) exp--;
    } else if (c === 46 /* . */ && !fraction) fraction = true;
    else break;
  }
  if (digits === 0 || digits > 16) return -1; // 17+ digits reach 2^53: not exact here
  m = digits > 9 ? small * POW10[digits - 9] + m : small;
  if (i < end && (bytes[i] === 101 /* e */ || bytes[i] === 69) /* E */) {
    i++;
    let expNegative = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
      expNegative = bytes[i] === 45;
      i++;
    }
    let x = 0;
    let xDigits = 0;
    while (i < end && (c = bytes[i] - 48) >= 0 && c <= 9) {
      if (x < 100000) x = x * 10 + c;
      xDigits++;
      i++;
    }
    if (xDigits === 0) return -1;
    exp += expNegative ? -x : x;
  }
  // Below 2^53 every step above was exact; at or above it the sum may have rounded.
  if (m >= TWO53) return -1;
  let value: number;
  if (exp === 0) value = m;
  else if (exp > 0 && exp <= 22) value = m * POW10[exp];
  else if (exp < 0 && exp >= -22) value = m / POW10[-exp];
  else if (m === 0) value = 0;
  else return -1;
  out[0] = negative ? -value : value;
  return i;
}
