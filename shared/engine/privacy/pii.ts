/**
 * PII and secret recognisers for free-text columns, built for one pass per text.
 *
 * Each text is read once, character by character, to count what the recognisers need (digits, '@', dots,
 * colons, upper/lower-case letters, the longest run of token characters); only the recognisers whose
 * prerequisites are met run their regular expressions, so a text without digits or '@' costs one loop. A
 * regular expression proposes a candidate and a validator confirms it (checksum, issuer range, registered
 * length, structure). Recognisers run from the most specific to the least, and a candidate overlapping an
 * accepted match is dropped, so an IBAN is not also read as a phone number.
 *
 * Matches leave this module masked (`mask`): the UI, the CLI output and reports never hold the raw text.
 */
import type { PiiFinding, PiiType } from '../../domain/privacy.ts';
import { base64UrlDecode, cardBrand, ibanValid, luhnValid, shannonEntropy, ssnValid } from './checksums.ts';

export interface PiiMatch {
  type: PiiType;
  /** [start, end) in the text. */
  start: number;
  end: number;
  /** The match with its identifying characters replaced by '•'. */
  masked: string;
  /** What the validator found (card network, IBAN country, JWT algorithm…); never the raw value. */
  detail: string;
}

/** The recognisers in the order they claim text, and what each one matches (shown to the analyst). */
export const PII_RULES: { type: PiiType; title: string; matches: string }[] = [
  { type: 'private-key', title: 'Private key', matches: 'a PEM/OpenSSH/PGP private-key header: -----BEGIN [RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP] PRIVATE KEY[ BLOCK]-----' },
  { type: 'jwt', title: 'JSON Web Token', matches: 'three base64url parts, header and payload starting "eyJ", whose header decodes to a JSON object with an "alg" (RFC 7519)' },
  { type: 'aws-access-key', title: 'AWS access key id', matches: 'AKIA/ASIA/ABIA/ACCA followed by 16 base-32 characters [A-Z2-7]' },
  { type: 'github-token', title: 'GitHub token', matches: 'ghp_/gho_/ghu_/ghs_/ghr_ followed by 36 alphanumerics, or github_pat_ with 22 + 59 characters' },
  { type: 'iban', title: 'IBAN', matches: 'country code, 2 check digits and the account, with or without spaces every 4 characters; the length registered for the country (ISO 13616) and the mod-97 checksum must hold' },
  { type: 'credit-card', title: 'Payment card number', matches: '12–19 digits, optionally grouped by one kind of separator (space or hyphen), in a card network\'s issuer range and length, passing the Luhn check' },
  { type: 'us-ssn', title: 'US Social Security number', matches: 'AAA-GG-SSSS or AAA GG SSSS (never 9 bare digits); area not 000, 666 or 900–999, group not 00, serial not 0000' },
  { type: 'email', title: 'E-mail address', matches: 'local@domain.tld with a dot-separated domain, labels of letters, digits and hyphens, and an alphabetic top-level domain' },
  { type: 'ipv6', title: 'IPv6 address', matches: 'eight hexadecimal groups of 1–4 digits, or fewer with one "::", optionally ending in an IPv4 address (RFC 4291 §2.2)' },
  { type: 'ipv4', title: 'IPv4 address', matches: 'four dot-separated numbers 0–255 without leading zeros, not part of a longer dotted number' },
  {
    type: 'phone',
    title: 'Phone number',
    matches:
      'international: "+", country code and 8–15 digits in all (E.164) with spaces, dots, hyphens or a bracketed area code; national: North American (AAA) EEE-NNNN / AAA-EEE-NNNN with area and exchange starting 2–9, or a trunk-prefix number starting 0 and a non-zero digit with 9–11 digits in separated groups (e.g. 020 7946 0958, 01 23 45 67 89). Unbroken digit runs are never read as phone numbers',
  },
  {
    type: 'api-key',
    title: 'API key or secret (generic)',
    matches:
      'a value of 8+ characters assigned to a name containing key, secret, token, password or auth ("api_key=…", "token: …") with Shannon entropy ≥ 3.0 bits/character and at least two of lower case, upper case, digits and symbols; or a standalone token of 20–256 base64/base64url characters with upper case, lower case and at least 2 digits and entropy ≥ min(4.5, 0.85·log₂ length) bits/character (random base-62 tokens pass about 99 % of the time; camel-case identifiers and file names do not)',
  },
];

export const PII_TYPES: PiiType[] = PII_RULES.map((r) => r.type);

const RE = {
  privateKey: /-----BEGIN (?:(?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----/g,
  jwt: /(?<![\w-])eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g,
  aws: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
  github: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
  iban: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?![A-Za-z0-9])/g,
  card: /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d])/g,
  ssn: /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g,
  email: /[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
  ipv6: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?![\w:])/g,
  ipv4: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)/g,
  phoneIntl: /(?<![\w+])\+[1-9][\d ().-]{6,22}\d(?![\d])/g,
  phoneNational: /(?<![\w.+/-])\(?\d[\d ().-]{7,16}\d(?![\w]|[.-]\d)/g,
  keyAssign: /(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|pwd|access[_-]?key|auth)[\w-]*["']?\s*[:=]\s*["'`]?([^\s"'`,;]{8,256})/gi,
  token: /(?<![A-Za-z0-9_\-+/=])[A-Za-z0-9_\-+/=]{20,256}(?![A-Za-z0-9_\-+/=])/g,
};

const PHONE_INTL_SHAPE = /^\+[1-9]\d{0,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,8}){1,6}$/;
const PHONE_NANP_SHAPE = /^(?:1[ .-]?)?(?:\(([2-9])\d{2}\) ?|([2-9])\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}$/;
const PHONE_TRUNK_SHAPE = /^(?:\(0[1-9]\d{0,3}\) ?|0[1-9]\d{0,3}[ .-])\d{2,8}(?:[ .-]\d{2,8}){0,3}$/;

/** Character counts of one text: which recognisers can possibly match. */
interface Profile {
  digits: number;
  at: boolean;
  dots: number;
  colons: number;
  upper: number;
  lower: number;
  /** Longest run of base64/base64url characters (letters, digits, _ - + / =). */
  tokenRun: number;
  assign: boolean;
}

function profile(text: string): Profile {
  let digits = 0;
  let at = false;
  let dots = 0;
  let colons = 0;
  let upper = 0;
  let lower = 0;
  let run = 0;
  let tokenRun = 0;
  let assign = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let token = true;
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c === 95 || c === 45 || c === 43 || c === 47) token = true;
    else if (c === 61) {
      assign = true;
    } else {
      token = false;
      if (c === 64) at = true;
      else if (c === 46) dots++;
      else if (c === 58) {
        colons++;
        assign = true;
      }
    }
    if (token) {
      run++;
      if (run > tokenRun) tokenRun = run;
    } else run = 0;
  }
  return { digits, at, dots, colons, upper, lower, tokenRun, assign };
}

/**
 * Every PII match in one text, in text order, masked.
 * @example findPii('mail jane.doe@example.org') // → [{ type: 'email', masked: 'j•••••••@•••••••.org', … }]
 */
export function findPii(text: string): PiiMatch[] {
  const p = profile(text);
  const out: PiiMatch[] = [];
  const free = (start: number, end: number) => out.every((m) => end <= m.start || start >= m.end);
  let valid = false;
  const accept = (type: PiiType, start: number, end: number, masked: string, detail: string) => {
    valid = true;
    if (free(start, end)) out.push({ type, start, end, masked, detail });
  };
  // A rejected candidate may have swallowed the start of a real one ("12.50 4111 1111 1111 1111" is first
  // read as 18 digits): after a rejection the search resumes one character later instead of after it.
  const each = (re: RegExp, visit: (m: RegExpExecArray) => void) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      valid = false;
      visit(m);
      if (!valid) re.lastIndex = m.index + 1;
    }
  };

  if (p.upper >= 10 && text.includes('-----BEGIN')) {
    each(RE.privateKey, (m) => accept('private-key', m.index, m.index + m[0].length, m[0], m[0].slice(11, -5).trim()));
  }
  if (p.tokenRun >= 5 && text.includes('eyJ')) {
    each(RE.jwt, (m) => {
      const header = base64UrlDecode(m[0].slice(0, m[0].indexOf('.')));
      let alg: unknown;
      try {
        const parsed: unknown = header === null ? null : JSON.parse(header);
        alg = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).alg : undefined;
      } catch {
        alg = undefined;
      }
      if (typeof alg === 'string') accept('jwt', m.index, m.index + m[0].length, maskKeep(m[0], 3, 0, 24), `alg ${alg.slice(0, 10)}`);
    });
  }
  if (p.tokenRun >= 20 && p.upper >= 4) {
    each(RE.aws, (m) => accept('aws-access-key', m.index, m.index + 20, maskKeep(m[0], 4, 0), m[0].startsWith('ASIA') ? 'temporary (STS)' : 'long-term'));
  }
  if (p.tokenRun >= 40 && text.includes('_')) {
    each(RE.github, (m) => accept('github-token', m.index, m.index + m[0].length, maskKeep(m[0], m[0].startsWith('github_pat_') ? 9 : 3, 0, 24), m[0].startsWith('github_pat_') ? 'fine-grained' : m[0].slice(0, 3)));
  }
  if (p.upper >= 2 && p.digits >= 8) {
    each(RE.iban, (m) => {
      const iban = m[0].replace(/ /g, '');
      if (ibanValid(iban)) accept('iban', m.index, m.index + m[0].length, maskKeep(m[0], 2, 2), iban.slice(0, 2));
    });
  }
  if (p.digits >= 12) {
    each(RE.card, (m) => {
      const raw = m[0];
      const separators = raw.replace(/\d/g, '');
      if (separators.length > 0 && !/^( +|-+)$/.test(separators)) return;
      const digits = raw.replace(/\D/g, '');
      const brand = cardBrand(digits);
      if (brand !== null && luhnValid(digits)) accept('credit-card', m.index, m.index + raw.length, maskKeep(raw, 0, 4), brand);
    });
  }
  if (p.digits >= 9) {
    each(RE.ssn, (m) => {
      if (ssnValid(m[1], m[3], m[4])) accept('us-ssn', m.index, m.index + m[0].length, m[0].replace(/\d/g, '•'), 'valid area, group and serial');
    });
  }
  if (p.at) {
    each(RE.email, (m) => {
      const email = m[0];
      const at = email.indexOf('@');
      const local = email.slice(0, at);
      if (local.startsWith('.') || local.endsWith('.') || local.includes('..') || local.length > 64) return;
      const tld = email.slice(email.lastIndexOf('.'));
      accept('email', m.index, m.index + email.length, `${local[0]}${'•'.repeat(Math.min(local.length - 1, 12))}@${'•'.repeat(Math.min(email.length - at - 1 - tld.length, 16))}${tld}`, tld.slice(1).toLowerCase());
    });
  }
  if (p.colons >= 2) {
    each(RE.ipv6, (m) => {
      if (ipv6Valid(m[0])) accept('ipv6', m.index, m.index + m[0].length, maskIpv6(m[0]), m[0].includes('::') ? 'compressed' : 'full');
    });
  }
  if (p.dots >= 3 && p.digits >= 4) {
    each(RE.ipv4, (m) => accept('ipv4', m.index, m.index + m[0].length, m[0].replace(/^(\d+)(.*)$/, (_, first: string, rest: string) => first + rest.replace(/\d/g, '•')), ipv4Scope(m[0])));
  }
  if (p.digits >= 8) {
    each(RE.phoneIntl, (m) => {
      const raw = m[0];
      const digits = raw.replace(/\D/g, '').length;
      if (digits >= 8 && digits <= 15 && PHONE_INTL_SHAPE.test(raw)) accept('phone', m.index, m.index + raw.length, maskKeep(raw, 0, 2), 'international');
    });
    each(RE.phoneNational, (m) => {
      const raw = m[0];
      const digits = raw.replace(/\D/g, '').length;
      if (PHONE_NANP_SHAPE.test(raw)) accept('phone', m.index, m.index + raw.length, maskKeep(raw, 0, 2), 'North American');
      else if (digits >= 9 && digits <= 11 && PHONE_TRUNK_SHAPE.test(raw)) accept('phone', m.index, m.index + raw.length, maskKeep(raw, 0, 2), 'national (trunk prefix 0)');
    });
  }
  if (p.assign && p.tokenRun >= 8) {
    each(RE.keyAssign, (m) => {
      const value = m[1];
      const start = m.index + m[0].length - value.length;
      const classes = Number(/[a-z]/.test(value)) + Number(/[A-Z]/.test(value)) + Number(/\d/.test(value)) + Number(/[^A-Za-z0-9]/.test(value));
      if (classes >= 2 && shannonEntropy(value) >= 3.0) accept('api-key', start, start + value.length, maskSecret(value), 'assigned to a key/secret name');
    });
  }
  if (p.tokenRun >= 20 && p.upper > 0 && p.lower > 0 && p.digits > 0) {
    each(RE.token, (m) => {
      const token = m[0];
      if (!/[A-Z]/.test(token) || !/[a-z]/.test(token) || !/\d.*\d/.test(token)) return;
      // Entropy of a random base-62 token grows like log₂ of its length (its 1st percentile is ≈ 0.85·log₂ n
      // up to 40 characters), so a fixed threshold either misses short keys or flags long prose-like tokens.
      const threshold = Math.min(4.5, 0.85 * Math.log2(token.length));
      const entropy = shannonEntropy(token);
      if (entropy >= threshold) accept('api-key', m.index, m.index + token.length, maskSecret(token), `high entropy (${entropy.toFixed(2)} bits/char)`);
    });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** RFC 4291 §2.2 text forms: 8 groups, or fewer with exactly one "::"; an IPv4 tail counts as two groups. */
export function ipv6Valid(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const parts = halves.flatMap(groups);
  let count = 0;
  for (let i = 0; i < parts.length; i++) {
    const g = parts[i];
    if (i === parts.length - 1 && g.includes('.')) {
      if (!/^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(g)) return false;
      count += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) count++;
    else return false;
  }
  if (halves.length === 2) return count >= 1 && count <= 7;
  return count === 8;
}

function ipv4Scope(ip: string): string {
  const [a, b] = ip.split('.').map(Number);
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private (RFC 1918)';
  if (a === 127) return 'loopback';
  return 'public or reserved';
}

function maskIpv6(ip: string): string {
  const first = ip.indexOf(':');
  return ip.slice(0, first) + ip.slice(first).replace(/[0-9A-Fa-f]/g, '•');
}

/**
 * Replaces letters and digits with '•', keeping the first `keepStart` and last `keepEnd` of them and every
 * separator; longer results are cut to `max` characters.
 * @example maskKeep('4111 1111 1111 1111', 0, 4) // → '•••• •••• •••• 1111'
 */
export function maskKeep(text: string, keepStart: number, keepEnd: number, max = 40): string {
  let total = 0;
  for (let i = 0; i < text.length; i++) if (isAlnum(text.charCodeAt(i))) total++;
  let seen = 0;
  let out = '';
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    if (!isAlnum(c)) {
      out += text[i];
      continue;
    }
    out += seen < keepStart || seen >= total - keepEnd ? text[i] : '•';
    seen++;
  }
  return out.length < text.length ? `${out}… (${text.length} characters)` : out;
}

/** A secret shows its first two characters, its length and nothing else. */
function maskSecret(secret: string): string {
  return `${secret.slice(0, 2)}${'•'.repeat(Math.min(secret.length - 2, 12))} (${secret.length} characters)`;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Findings of one column's texts, rows numbered from `rowBase` (one chunk of a column, merged by `mergePii`). */
export interface PiiChunk {
  column: string;
  texts: number;
  /** Per type (PII_TYPES order): match count. */
  matches: number[];
  /** Per type: rows with a match, ascending. */
  rows: Int32Array[];
  examples: PiiFinding['examples'][];
}

const EXAMPLES = 10;

/**
 * Scans texts[i] as dataset row rowBase + i. Empty texts cost nothing.
 * @example scanTexts(['call +44 20 7946 0958'], 'notes', 0).matches[PII_TYPES.indexOf('phone')] // → 1
 */
export function scanTexts(texts: readonly string[], column: string, rowBase: number, onProgress?: (fraction: number) => void): PiiChunk {
  const t = PII_TYPES.length;
  const matches = new Array<number>(t).fill(0);
  const rows: number[][] = Array.from({ length: t }, () => []);
  const examples: PiiFinding['examples'][] = Array.from({ length: t }, () => []);
  const typeIndex = new Map(PII_TYPES.map((type, i) => [type, i]));
  const last = new Int32Array(t).fill(-1);
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text.length < 7) continue;
    const found = findPii(text);
    const row = rowBase + i;
    for (const m of found) {
      const k = typeIndex.get(m.type)!;
      matches[k]++;
      if (last[k] !== row) {
        rows[k].push(row);
        last[k] = row;
        if (examples[k].length < EXAMPLES) examples[k].push({ row, masked: m.masked, detail: m.detail });
      }
    }
    if (onProgress && (i & 0xffff) === 0) onProgress(i / texts.length);
  }
  return { column, texts: texts.length, matches, rows: rows.map((r) => Int32Array.from(r)), examples };
}

/** Chunks of the same columns (any order) merged into findings, one per type and column with a match. */
export function mergePii(chunks: PiiChunk[]): { findings: PiiFinding[]; texts: number; rowsWithPii: number } {
  const byColumn = new Map<string, PiiChunk[]>();
  for (const c of chunks) byColumn.set(c.column, [...(byColumn.get(c.column) ?? []), c]);
  const findings: PiiFinding[] = [];
  const anyRow = new Set<number>();
  let texts = 0;
  for (const [column, parts] of byColumn) {
    texts += parts.reduce((s, p) => s + p.texts, 0);
    PII_TYPES.forEach((type, k) => {
      const matches = parts.reduce((s, p) => s + p.matches[k], 0);
      if (matches === 0) return;
      const rows = new Int32Array(parts.reduce((s, p) => s + p.rows[k].length, 0));
      let at = 0;
      for (const p of parts) {
        rows.set(p.rows[k], at);
        at += p.rows[k].length;
      }
      rows.sort();
      for (const r of rows) anyRow.add(r);
      const examples = parts.flatMap((p) => p.examples[k]).sort((a, b) => a.row - b.row).slice(0, EXAMPLES);
      findings.push({ type, column, matches, rows, examples });
    });
  }
  findings.sort((a, b) => b.rows.length - a.rows.length || PII_TYPES.indexOf(a.type) - PII_TYPES.indexOf(b.type));
  return { findings, texts, rowsWithPii: anyRow.size };
}
