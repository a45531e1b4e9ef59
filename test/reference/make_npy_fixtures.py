"""Writes the small .npy fixtures of test/unit/ingest-npy.test.ts into test/fixtures/npy/.

Every matrix is A[i, j] = 10 * i + j + (0.5 if float) with shape (3, 4), stored in one dtype, byte order,
memory order and format version, so the test can recompute the expected values. Run with Debian's python3
and numpy: /usr/bin/python3 test/reference/make_npy_fixtures.py
Format: NumPy Enhancement Proposal 1 (numpy.lib.format); versions 2.0 and 3.0 written explicitly.
"""
import os

import numpy as np
from numpy.lib import format as npy_format

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'npy')
os.makedirs(OUT, exist_ok=True)

rows, cols = 3, 4
base = (10 * np.arange(rows)[:, None] + np.arange(cols)[None, :]).astype(np.float64)


def save(name, array, version=(1, 0)):
    with open(os.path.join(OUT, name), 'wb') as f:
        npy_format.write_array(f, array, version=version, allow_pickle=False)


for dtype in ['<f4', '>f4', '<f8', '>f8', '<f2', '<i1', '<i2', '>i4', '<i8', '|u1', '<u2', '>u4', '<u8']:
    values = base + 0.5 if dtype[1] == 'f' else base
    array = values.astype(np.dtype(dtype))
    tag = dtype.replace('<', 'le-').replace('>', 'be-').replace('|', '')
    save(f'c-{tag}.npy', np.ascontiguousarray(array))
    save(f'f-{tag}.npy', np.asfortranarray(array))

save('c-bool.npy', (base % 2 == 1))
save('v2-le-f4.npy', (base + 0.5).astype('<f4'), version=(2, 0))
save('v3-le-f4.npy', (base + 0.5).astype('<f4'), version=(3, 0))
save('vector-le-i8.npy', np.arange(rows, dtype='<i8'))  # a 1-D labels file: 0, 1, 2
save('complex.npy', (base + 1j).astype('<c8'))  # a dtype Assay does not read

# Truncated: the header promises 3 × 4 float32 but only 20 data bytes follow.
with open(os.path.join(OUT, 'c-le-f4.npy'), 'rb') as f:
    whole = f.read()
with open(os.path.join(OUT, 'truncated.npy'), 'wb') as f:
    f.write(whole[:-28])
# A lying header: it claims shape (5, 4) over the same 3 × 4 data.
with open(os.path.join(OUT, 'lying.npy'), 'wb') as f:
    f.write(whole.replace(b"'shape': (3, 4)", b"'shape': (5, 4)"))
