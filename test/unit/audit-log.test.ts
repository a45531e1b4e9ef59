/**
 * The audit log's hash chain: every kind of tampering — an edited entry, an edited and re-hashed entry, a
 * removed, inserted or reordered entry, a cut-off log, a torn last line — is detected and the first bad entry
 * named. Hashes are checked against an independent computation (Python's hashlib over json.dumps with sorted
 * keys and no whitespace, which equals RFC 8785 canonical JSON for these values).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../shared/domain/case.ts';
import { canonicalJson, chainEntry, entryHash, entryLine, verifyChain, type AuditEntry } from '../../shared/engine/audit-chain.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function buildLog(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    const head = entries.length ? entries[entries.length - 1] : null;
    entries.push(
      chainEntry(
        {
          time: `2026-11-27T08:0${i}:00.000Z`,
          actor: 'analyst',
          action: i === 0 ? 'case.create' : 'job.scan',
          params: { summary: `step ${i + 1}`, flagged: i * 3 },
          inputs: [{ name: 'data.csv', sha256: 'a'.repeat(64) }],
          outputs: i % 2 ? [{ name: `results/r${i}.wire`, sha256: sha256(`result ${i}`) }] : [],
        },
        head,
        sha256,
      ),
    );
  }
  return entries;
}

const text = (entries: AuditEntry[]) => entries.map(entryLine).join('');
const lines = (entries: AuditEntry[]) => text(entries).split('\n').slice(0, -1);

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys, drops whitespace and writes numbers in shortest form', () => {
    expect(canonicalJson({ b: 2, a: [1, 'x', null, true], c: { z: 1e21, y: 0.1, x: -0 } })).toBe('{"a":[1,"x",null,true],"b":2,"c":{"x":0,"y":0.1,"z":1e+21}}');
    expect(canonicalJson({ é: 1, e: 2, E: 3 })).toBe('{"E":3,"e":2,"é":1}');
  });

  it('refuses what JSON cannot carry, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow('$.a[1] is NaN');
    expect(() => canonicalJson({ a: new Float64Array(2) })).toThrow('$.a is a typed array');
    expect(() => canonicalJson({ a: new Date(0) })).toThrow('$.a is a Date');
  });
});

describe('audit chain', () => {
  it('hashes an entry as an independent implementation does', () => {
    const entry = {
      seq: 1,
      time: '2026-11-27T08:00:00.000Z',
      actor: 'Zoë Ångström',
      action: 'case.create',
      params: { summary: "Created case 'x'", n: 1.5, list: [1, 2, 3], z: null, a: true },
      inputs: [],
      outputs: [{ name: 'f.csv', sha256: 'a'.repeat(64) }],
      prev: GENESIS_HASH,
    };
    // python3: hashlib.sha256(json.dumps(e, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()).hexdigest()
    expect(entryHash(entry, sha256)).toBe('b8213003654b4782f566cd716f01da3a97b8df49554fd04021dc264a8d1c0bcb');
  });

  it('verifies an untouched log, with and without the case file anchor', () => {
    const log = buildLog(6);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log[0].prev).toBe(GENESIS_HASH);
    expect(log[3].prev).toBe(log[2].hash);
    for (const anchor of [null, { entries: 6, head: log[5].hash }, { entries: 4, head: log[3].hash }]) {
      const v = verifyChain(text(log), sha256, anchor);
      expect(v).toMatchObject({ ok: true, verified: 6, lines: 6, head: log[5].hash, firstBad: null });
    }
    expect(verifyChain('', sha256)).toMatchObject({ ok: true, verified: 0, head: GENESIS_HASH });
  });

  it('detects an edited entry and names it', () => {
    const l = lines(buildLog(6));
    l[2] = l[2].replace('"flagged":6', '"flagged":0');
    const v = verifyChain(l.join('\n') + '\n', sha256);
    expect(v.ok).toBe(false);
    expect(v.verified).toBe(2);
    expect(v.firstBad).toEqual({ line: 3, seq: 3, reason: 'entry 3 (line 3) was edited: its content no longer matches its hash' });
  });

  it('detects an edited entry whose hash was recomputed, naming that entry', () => {
    const log = buildLog(6);
    const forged = { ...log[2], params: { summary: 'step 3', flagged: 0 } };
    const { hash: _old, ...body } = forged;
    log[2] = { ...body, hash: entryHash(body, sha256) };
    const v = verifyChain(text(log), sha256);
    expect(v.firstBad).toMatchObject({ line: 3, seq: 3 });
    expect(v.firstBad!.reason).toMatch(/^entry 3 \(line 3\) was replaced: entry 4 recorded a different hash for it/);
    expect(v.verified).toBe(2);
  });

  it('detects a removed entry', () => {
    const log = buildLog(6);
    log.splice(2, 1);
    const v = verifyChain(text(log), sha256);
    expect(v.firstBad).toEqual({ line: 3, seq: 4, reason: 'line 3 holds entry 4 where entry 3 belongs: entries were removed, inserted or reordered' });
    const first = buildLog(3).slice(1);
    expect(verifyChain(text(first), sha256).firstBad).toMatchObject({ line: 1, seq: 2 });
  });

  it('detects a removed entry even when the later ones were renumbered (their prev breaks)', () => {
    const log = buildLog(5);
    log.splice(1, 1);
    // Renumber and re-hash each later entry in place, but keep its prev: the chain breaks at the gap.
    for (let i = 1; i < log.length; i++) {
      const { hash: _h, ...body } = { ...log[i], seq: i + 1 };
      log[i] = { ...body, hash: entryHash(body, sha256) };
    }
    const v = verifyChain(text(log), sha256);
    expect(v.ok).toBe(false);
    expect(v.firstBad).toMatchObject({ line: 1, seq: 1 });
    expect(v.verified).toBe(0);
  });

  it('detects reordered entries', () => {
    const log = buildLog(6);
    [log[3], log[4]] = [log[4], log[3]];
    const v = verifyChain(text(log), sha256);
    expect(v.firstBad).toMatchObject({ line: 4, seq: 5 });
    expect(v.verified).toBe(3);
  });

  it('detects a cut-off log against the length the case file recorded', () => {
    const log = buildLog(6);
    const anchor = { entries: 6, head: log[5].hash };
    const cut = verifyChain(text(log.slice(0, 4)), sha256, anchor);
    expect(cut.ok).toBe(false);
    expect(cut.firstBad).toEqual({ line: 5, seq: 5, reason: 'entry 5 is missing: the case file records 6 entries and the log ends after 4 (it was cut off)' });
    // A log rewritten from entry 5 on (a valid chain, but not the one the case file recorded).
    const rewritten = [...log.slice(0, 4), ...buildLog(6).slice(4).map((e) => e)];
    const forked = rewritten.slice(0, 4);
    for (let i = 4; i < 6; i++) forked.push(chainEntry({ time: 't', actor: 'x', action: 'forged', params: null, inputs: [], outputs: [] }, forked[i - 1], sha256));
    const v = verifyChain(text(forked), sha256, anchor);
    expect(v.ok).toBe(false);
    expect(v.firstBad).toMatchObject({ line: 6, seq: 6 });
  });

  it('detects a torn last line and a line that is not an entry', () => {
    const full = text(buildLog(4));
    const torn = full.slice(0, full.length - 30);
    const v = verifyChain(torn, sha256);
    expect(v.verified).toBe(3);
    expect(v.firstBad).toMatchObject({ line: 4, seq: null });
    expect(v.firstBad!.reason).toMatch(/incomplete \(no line end\)/);
    const l = lines(buildLog(3));
    l.splice(1, 0, '{"note":"added by hand"}');
    expect(verifyChain(l.join('\n') + '\n', sha256).firstBad).toEqual({ line: 2, seq: null, reason: "line 2 has no whole-number 'seq'" });
  });
});
