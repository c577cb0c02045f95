#!/usr/bin/python3
"""LASSO, the LARS-OLS hybrid, and where their choices rank among all subsets.

On the diabetes data (Efron et al. 2004; 442 patients, 10 baseline variables, disease
progression after a year): the LASSO path with lambda chosen by 10-fold cross-validation;
the LARS-OLS hybrid (each support along the LARS path refitted by least squares, the one
of smallest BIC wins); each support the LASSO visits placed among all 1023 subsets scored
by an exhaustive search with the same criterion ("LASSO on the DOS"); and a virtual
measurement of how many patients BIC needs to recover the hybrid's model.

Run from the repository root after building (meson setup build && ninja -C build):
    PYTHONPATH=bindings/python /usr/bin/python3 examples/python/lasso.py [FILE.csv TARGET]
"""
import os
import sys

import sparsemi

here = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) > 2:
    path, target = sys.argv[1], sys.argv[2]
else:
    path, target = os.path.join(here, '..', '..', 'tests', 'data', 'diabetes.csv'), 'progression'
ds = sparsemi.Dataset.from_csv(path, target=target)

cv = sparsemi.lasso_cv(ds, folds=10)   # shuffled with seed 0, as `sparsemi lasso --cv 10`
chosen = [name for name, w in zip(cv.features, cv.coef_1se) if w != 0]
print(f'LASSO-CV: lambda_min {cv.lambda_min:.4g}, lambda_1se {cv.lambda_1se:.4g}; '
      f'at lambda_1se {len(chosen)} features {chosen}')

hybrid = sparsemi.lars_path(ds).best_support(criterion='bic')
print(f'LARS-OLS hybrid: {list(hybrid.features)}, BIC {hybrid.criterion:.2f}')

res = sparsemi.exhaustive_search(ds, criterion='bic', top=2**ds.p)   # keeps every subset
print(f'exhaustive search: {res.n_models} subsets, best {list(res.models[0].features)}')
for r in cv.on_dos(res):
    print(f'  rank {r.rank:4.0f} ({r.percentile:4.1f}%)  BIC {r.support.criterion:.2f}  '
          f'LASSO support {", ".join(r.support.features)}')

vm = sparsemi.vma(ds, hybrid, sizes=(100, ds.n, 2000), trials=100, seed=1)
print('virtual measurement of the hybrid model, recovery rate by n:',
      ', '.join(f'{n} {rate:.2f}' for n, rate in zip(vm.sizes, vm.recovery_rate)))
