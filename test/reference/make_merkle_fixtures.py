#!/usr/bin/python3
"""Reference values for shared/engine/merkle.ts and the manifest row hashing, computed independently with
Python's hashlib following RFC 6962 §2.1 literally (the recursive split at the largest power of two below n):

    /usr/bin/python3 test/reference/make_merkle_fixtures.py

Writes test/fixtures/merkle.json:
- trees: for n leaves whose data is the UTF-8 bytes of "row <i>", the tree head MTH(D[0:n]) in hex;
- ct: the eight leaves of Certificate Transparency's published test vectors and the head of each prefix;
- csv: a small CSV file (quoted field with a line break and "", a stray quote, CRLF, a blank line) and the leaf hash
  SHA-256(0x00 || record) of every data record's raw bytes without its terminator, as the manifest defines a CSV row.
"""
import base64
import hashlib
import json
import os


def sha(b):
    return hashlib.sha256(b).digest()


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return sha(b'')
    if n == 1:
        return sha(b'\x00' + leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha(b'\x01' + mth(leaves[:k]) + mth(leaves[k:]))


trees = []
for n in list(range(0, 18)) + [31, 32, 33, 100, 1000]:
    data = [f'row {i}'.encode() for i in range(n)]
    trees.append({'n': n, 'root': mth(data).hex()})

# RFC 6962 test leaves from certificate-transparency (merkle_tree_test.cc).
ct_leaves = [b'', b'\x00', b'\x10', b'\x20\x21', b'\x30\x31', b'\x40\x41\x42\x43',
             b'\x50\x51\x52\x53\x54\x55\x56\x57', b'\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f']
ct = {'leaves': [l.hex() for l in ct_leaves], 'roots': [mth(ct_leaves[:i]).hex() for i in range(1, 9)]}

# Record 2 holds a quoted line break and an escaped quote; record 4 a quote inside an unquoted field (a literal
# character, not the start of a quoted section), so it ends on its own line.
csv_text = b'id,label,x\r\nr1,a,1.5\r\n"r2","b\nc ""q""",2\r\n\r\nr3,a,"3"\nr4,b 5" tall,4\nr5,c,5'
records = [b'r1,a,1.5', b'"r2","b\nc ""q""",2', b'r3,a,"3"', b'r4,b 5" tall,4', b'r5,c,5']
csv = {
    'file': base64.b64encode(csv_text).decode(),
    'sha256': sha(csv_text).hex(),
    'header': sha(b'id,label,x').hex(),
    'leaves': [sha(b'\x00' + r).hex() for r in records],
    'lines': [2, 3, 6, 7, 8],
    'root': mth(records).hex(),
}

out = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'merkle.json')
with open(out, 'w') as f:
    json.dump({'trees': trees, 'ct': ct, 'csv': csv}, f, indent=1)
    f.write('\n')
print('wrote', out)
