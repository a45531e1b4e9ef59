/**
 * PII recognisers: for every type, texts that must match (with what the mask keeps) and texts that must not:
 * invalid Luhn and IBAN checksums, unregistered IBAN lengths, invalid SSN areas/groups/serials, plain digit
 * runs, dates, versions, times, MAC addresses, identifiers. Checksums are checked against hand computation.
 */
import { describe, expect, it } from 'vitest';
import type { PiiType } from '../../shared/domain/privacy.ts';
import { base64UrlDecode, cardBrand, ibanValid, luhnValid, shannonEntropy, ssnValid } from '../../shared/engine/privacy/checksums.ts';
import { findPii, ipv6Valid, maskKeep, mergePii, PII_RULES, PII_TYPES, scanTexts } from '../../shared/engine/privacy/pii.ts';

const types = (text: string) => findPii(text).map((m) => m.type);
const only = (text: string, type: PiiType) => {
  const found = findPii(text);
  expect(found.map((m) => m.type), text).toEqual([type]);
  return found[0];
};
const none = (text: string) => expect(findPii(text), text).toEqual([]);

/** A JWT with the given header, payload {"sub":"1"} and a fake signature. */
function jwt(header: object): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  return `${b64(JSON.stringify(header))}.${b64('{"sub":"1234567890"}')}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
}

describe('checksums', () => {
  it('Luhn: valid test numbers pass, a changed digit fails', () => {
    // 7992739871 + check digit 3 is the textbook example (ISO/IEC 7812-1 Annex B).
    expect(luhnValid('79927398713')).toBe(true);
    for (let d = 0; d <= 9; d++) if (d !== 3) expect(luhnValid(`7992739871${d}`)).toBe(false);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });

  it('card networks by IIN range and length', () => {
    expect(cardBrand('4111111111111111')).toBe('Visa');
    expect(cardBrand('5555555555554444')).toBe('Mastercard');
    expect(cardBrand('2223003122003222')).toBe('Mastercard');
    expect(cardBrand('378282246310005')).toBe('American Express');
    expect(cardBrand('6011111111111117')).toBe('Discover');
    expect(cardBrand('3530111333300000')).toBe('JCB');
    expect(cardBrand('30569309025904')).toBe('Diners Club');
    expect(cardBrand('411111111111111')).toBeNull(); // Visa with 15 digits
    expect(cardBrand('1234567812345670')).toBeNull(); // no network starts with 1
  });

  it('IBAN mod-97 and registered lengths', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('FR1420041010050500013M02606')).toBe(true);
    expect(ibanValid('NO9386011117947')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false); // last digit changed
    expect(ibanValid('GB28WEST12345698765432')).toBe(false); // check digits swapped
    expect(ibanValid('DE8937040044053201300')).toBe(false); // 21 characters, DE has 22
    expect(ibanValid('ZZ82WEST12345698765432')).toBe(false); // no such country
  });

  it('mod-97 agrees with big-integer arithmetic on random strings', () => {
    let seed = 5;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let t = 0; t < 200; t++) {
      const bban = Array.from({ length: 18 }, () => String(next() % 10)).join('');
      const check = 98n - (BigInt(`${bban}131400`) % 97n); // "DE00" → D=13, E=14, check digits 00
      const iban = `DE${String(check).padStart(2, '0')}${bban}`;
      expect(ibanValid(iban), iban).toBe(true);
      const broken = `DE${String((Number(check) % 97) + 1).padStart(2, '0')}${bban}`;
      expect(ibanValid(broken), broken).toBe(BigInt(`${bban}1314${broken.slice(2, 4)}`) % 97n === 1n);
    }
  });

  it('SSN area, group and serial rules', () => {
    expect(ssnValid('123', '45', '6789')).toBe(true);
    expect(ssnValid('772', '01', '0001')).toBe(true);
    expect(ssnValid('000', '12', '3456')).toBe(false);
    expect(ssnValid('666', '12', '3456')).toBe(false);
    expect(ssnValid('900', '12', '3456')).toBe(false);
    expect(ssnValid('999', '12', '3456')).toBe(false);
    expect(ssnValid('123', '00', '4567')).toBe(false);
    expect(ssnValid('123', '45', '0000')).toBe(false);
  });

  it('entropy and base64url', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('aabb')).toBe(1);
    expect(shannonEntropy('abcdefgh')).toBe(3);
    expect(base64UrlDecode('eyJhbGciOiJIUzI1NiJ9')).toBe('{"alg":"HS256"}');
    expect(base64UrlDecode('ab$c')).toBeNull();
  });
});

describe('recognisers: positives', () => {
  it('e-mail', () => {
    const m = only('write to jane.doe+ml@mail.example.co.uk please', 'email');
    expect(m.masked).toBe('j••••••••••@•••••••••••••••.uk');
    expect(m.masked).not.toContain('jane');
  });

  it('phone numbers, international and national', () => {
    expect(only('call +44 20 7946 0958 today', 'phone').masked).toBe('+•• •• •••• ••58');
    only('tel: +1 (415) 555-2671', 'phone');
    only('+49-30-1234567', 'phone');
    only('office (212) 555-0143', 'phone');
    only('cell 415-555-2671', 'phone');
    only('415.555.2671', 'phone');
    only('London 020 7946 0958', 'phone');
    only('Paris 01 23 45 67 89', 'phone');
  });

  it('payment cards with and without separators', () => {
    expect(only('card 4111 1111 1111 1111 exp 12/29', 'credit-card')).toMatchObject({ masked: '•••• •••• •••• 1111', detail: 'Visa' });
    expect(only('5555-5555-5555-4444', 'credit-card').detail).toBe('Mastercard');
    expect(only('amex 378282246310005', 'credit-card').detail).toBe('American Express');
    // A number run into the card's digits is tried again from the next position.
    expect(types('total 12.50 4111 1111 1111 1111')).toEqual(['credit-card']);
  });

  it('IBANs, printed and electronic', () => {
    expect(only('IBAN GB82 WEST 1234 5698 7654 32.', 'iban')).toMatchObject({ masked: 'GB•• •••• •••• •••• •••• 32', detail: 'GB' });
    only('DE89370400440532013000', 'iban');
    only('pay FR14 2004 1010 0505 0001 3M02 606', 'iban');
  });

  it('US SSNs', () => {
    expect(only('SSN 123-45-6789', 'us-ssn').masked).toBe('•••-••-••••');
    only('ssn 123 45 6789', 'us-ssn');
  });

  it('IP addresses', () => {
    expect(only('from 192.168.1.20.', 'ipv4')).toMatchObject({ masked: '192.•••.•.••', detail: 'private (RFC 1918)' });
    only('8.8.8.8', 'ipv4');
    only('host 2001:db8::8a2e:370:7334 up', 'ipv6');
    only('2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'ipv6');
    only('mapped ::ffff:192.0.2.128', 'ipv6');
    only('loopback ::1 here', 'ipv6');
  });

  it('secrets', () => {
    expect(only('aws AKIAIOSFODNN7EXAMPLE', 'aws-access-key').masked).toBe('AKIA••••••••••••••••');
    const gh = only(`token ghp_${'a1B2c3D4e5'.repeat(3)}F6g7H8`, 'github-token');
    expect(gh.masked.startsWith('ghp_•')).toBe(true);
    only(`github_pat_${'A1b2C3d4E5'.repeat(2)}Zz_${'q9W8e7R6t5'.repeat(5)}Y4x3z2Q1w`, 'github-token');
    only('-----BEGIN OPENSSH PRIVATE KEY-----', 'private-key');
    only('-----BEGIN PRIVATE KEY-----', 'private-key');
    expect(only(`Bearer ${jwt({ alg: 'HS256', typ: 'JWT' })}`, 'jwt').detail).toBe('alg HS256');
    expect(only('api_key = "zX9qL2mW8vR4tY6u"', 'api-key').masked).toBe('zX•••••••••••• (16 characters)');
    only('PASSWORD: Tr0ub4dor&3x', 'api-key');
    only('stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'api-key');
  });

  it('several types in one text, in text order, never overlapping', () => {
    const found = findPii('mail a.b@example.com or +1 415 555 2671 from 10.0.0.1 with 4111111111111111');
    expect(found.map((m) => m.type)).toEqual(['email', 'phone', 'ipv4', 'credit-card']);
    for (let i = 1; i < found.length; i++) expect(found[i].start).toBeGreaterThanOrEqual(found[i - 1].end);
  });
});

describe('recognisers: negatives', () => {
  it('invalid checksums and rules', () => {
    none('card 4111 1111 1111 1112'); // Luhn fails
    none('card 4111-1111 1111-1111'); // mixed separators
    none('1234567812345670'); // Luhn-valid but no network's range
    none('IBAN GB82WEST12345698765433'); // mod-97 fails
    none('IBAN DE8937040044053201300'); // wrong length for DE
    none('ssn 666-45-6789');
    none('ssn 000-45-6789');
    none('ssn 900-12-3456');
    none('ssn 123-00-6789');
    none('ssn 123-45-0000');
    // No "alg" in the header: not a JWT (its random-looking parts may still read as generic secrets).
    expect(types(`Bearer ${jwt({ typ: 'JWT' })}`)).not.toContain('jwt');
  });

  it('plain numbers, dates, times, versions and identifiers', () => {
    none('order 12345678901234 shipped');
    none('invoice 4155552671'); // ten bare digits are not a phone number
    none('SSN-like 123456789');
    none('on 2023-01-15 at 10:30:45');
    none('price 1234567.89 EUR');
    none('version 1.2.3.4.5');
    none('mac 00:1A:2B:3C:4D:5E');
    none('std::vector<int> v;');
    none('ip 256.1.1.1');
    none('ThisIsAVeryLongVariableName1');
    none('aVeryLongFileName_2023_final_v2');
    none('token: abcdefgh'); // one character class only
    none('AKIAIOSFODNN7EXAMPL'); // 19 characters
    none('user at example dot com');
  });
});

describe('masking and scanning', () => {
  it('maskKeep keeps separators and the asked characters', () => {
    expect(maskKeep('4111-1111-1111-1111', 0, 4)).toBe('••••-••••-••••-1111');
    expect(maskKeep('AB12', 2, 0)).toBe('AB••');
    expect(maskKeep('x'.repeat(50), 1, 0, 10)).toBe(`x•••••••••… (50 characters)`);
  });

  it('no match ever carries the raw value', () => {
    const raw = ['jane.doe@example.org', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '123-45-6789', 'AKIAIOSFODNN7EXAMPLE', '+44 20 7946 0958'];
    for (const text of raw) for (const m of findPii(`x ${text} y`)) expect(m.masked).not.toContain(text);
  });

  it('scanTexts counts per type with rows offset by rowBase, and chunks merge to the whole', () => {
    const texts = ['a@b.io and c@d.io', 'nothing', '', '4111 1111 1111 1111', 'x@y.org'];
    const whole = scanTexts(texts, 'notes', 100);
    const email = PII_TYPES.indexOf('email');
    expect(whole.matches[email]).toBe(3);
    expect(Array.from(whole.rows[email])).toEqual([100, 104]);
    const merged = mergePii([scanTexts(texts.slice(3), 'notes', 103), scanTexts(texts.slice(0, 3), 'notes', 100), scanTexts(['z@w.net'], 'other', 100)]);
    expect(merged.texts).toBe(6);
    expect(merged.rowsWithPii).toBe(3);
    const notesEmail = merged.findings.find((f) => f.type === 'email' && f.column === 'notes')!;
    expect(notesEmail.matches).toBe(3);
    expect(Array.from(notesEmail.rows)).toEqual([100, 104]);
    expect(notesEmail.examples.map((e) => e.row)).toEqual([100, 104]);
    expect(merged.findings.find((f) => f.type === 'credit-card')!.rows).toEqual(Int32Array.of(103));
  });

  it('every type has a stated rule, and IPv6 forms are parsed strictly', () => {
    expect(PII_RULES.map((r) => r.type).sort()).toEqual([...PII_TYPES].sort());
    for (const r of PII_RULES) expect(r.matches.length).toBeGreaterThan(20);
    expect(ipv6Valid('1:2:3:4:5:6:7:8')).toBe(true);
    expect(ipv6Valid('1:2:3:4:5:6:7')).toBe(false);
    expect(ipv6Valid('1::2::3')).toBe(false);
    expect(ipv6Valid('1:2:3:4:5:6:7::')).toBe(true);
    expect(ipv6Valid('12345::1')).toBe(false);
  });
});
