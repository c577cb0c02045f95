#!/usr/bin/python3
"""Which descriptors explain a property, and how sure can one be?

Scores every subset of up to 4 of the octet data's 14 atomic features by the free energy
with the hyperparameters integrated out, prints each feature's posterior inclusion
probability and the model-averaged coefficients, then samples the same subsets by replica
exchange and compares the two densities of states.

Run from the repository root after building (meson setup build && ninja -C build):
    PYTHONPATH=bindings/python /usr/bin/python3 examples/python/posterior.py
"""
import os

import numpy as np

import sparsemi

here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, '..', 'data', 'octet_binaries.csv')
ds = sparsemi.Dataset.from_csv(path, target='dE_RS_ZB')

res = sparsemi.exhaustive_search(ds, criterion='fe-marg', max_size=4)
print(f'{res.n_models} subsets; ln p(y) = {res.log_evidence_total:.6g}')
avg = res.model_average
for name, p in sorted(zip(ds.names, res.posterior_inclusion), key=lambda t: -t[1]):
    print(f'  {name:10s} p(in | y) = {p:.4f}   averaged coefficient {avg.coefficients[name]:+.5g}')

sampled = sparsemi.remc(ds, criterion='fe-marg', max_size=4, bin_edges=res.dos.edges,
                        sweeps=5000, burn_in=500, threads=0)
exact = np.asarray(res.dos.counts, dtype=float)
seen = exact >= 1e-4 * exact.sum()
error = np.max(np.abs(sampled.dos_log_counts[seen] - np.log(exact[seen])))
print(f'replica exchange: largest |ln D - ln D_exact| = {error:.3f}; '
      f'best model {sampled.models[0][1]}')
