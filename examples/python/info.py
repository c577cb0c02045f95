#!/usr/bin/python3
"""Describe a data set: size, feature names, condition number of the standardised X.

Run from the repository root after building (meson setup build && ninja -C build):
    PYTHONPATH=bindings/python python3 examples/python/info.py [FILE.csv]
"""
import os
import sys

import sparsemi

here = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'data',
                                                          'octet_binaries.csv')
with sparsemi.Dataset.from_csv(path) as ds:
    print(f'libsparsemi {sparsemi.__version__}: {os.path.basename(path)}')
    print(f'n = {ds.n} samples, p = {ds.p} features, target {ds.target!r}')
    print('features:', ', '.join(ds.names))
    print(f'condition number of the standardised X: {ds.condition_number():.6g}')
