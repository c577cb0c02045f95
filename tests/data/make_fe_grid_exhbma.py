#!/usr/bin/python3
"""Reference values of the fe-grid criterion from exhbma (okada-lab/exhbma, MIT), the
exhaustive-search Bayesian model averaging package of Okada's group, an implementation
independent of libsparsemi.

Usage, from the source root:
    /usr/bin/python3 tests/data/make_fe_grid_exhbma.py EXHBMA_SRC
where EXHBMA_SRC is a checkout of exhbma (the folder holding the package folder `exhbma`).
It writes tests/data/fe_grid_exhbma.json; the test suite only reads that file.

The data are examples/data/octet_binaries.csv, target dE_RS_ZB, the 10 primary features
below, prepared as exhbma's own tutorial does: each feature centred and divided by its
standard deviation (divisor n, exhbma.StandardScaler), y centred and not scaled. The grids
are those of exhbma's tutorial (tutorials/feature-selection.ipynb and
tests/tutorials/test_exhbma_with_linear_regression.py): sigma_noise = logspace(-2.5, 0.5, 20),
sigma_coef = logspace(-2, 1, 20), with the priors `inverse` (the notebook), `gamma` with
exhbma's defaults (shape 1e-3, scale 1e3, the test) and `uniform` over each grid's range.
ExhaustiveLinearRegression runs with its defaults (alpha = 0.5, the null model included), so
the model prior is uniform over all 2^10 subsets.

Stored per case: the per-model log likelihood (`log_likelihoods_`, model m holding feature i
when bit i of m is set, exhbma's order), the feature posteriors and the total log likelihood.

exhbma imports pydantic, tqdm and matplotlib only for a data class, a progress bar and its
plots; when they are not installed, minimal stand-ins (a keyword-argument record, a
pass-through iterator, empty modules) are put in their place, which changes no number.
"""

import json
import os
import subprocess
import sys
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')
OUT = os.path.join(HERE, 'fe_grid_exhbma.json')
PRIMARIES = ['r_s_A', 'r_p_A', 'r_d_A', 'EA_A', 'IP_A', 'r_s_B', 'r_p_B', 'r_d_B', 'EA_B',
             'IP_B']
NOISE_LOG_RANGE = (-2.5, 0.5)
COEF_LOG_RANGE = (-2.0, 1.0)
N_POINTS = 20


def install_stand_ins():
    try:
        import pydantic  # noqa: F401
    except ImportError:
        mod = types.ModuleType('pydantic')

        class BaseModel:
            def __init__(self, **kw):
                for k, v in kw.items():
                    setattr(self, k, v)

        mod.BaseModel = BaseModel
        mod.Field = lambda *a, **kw: None
        sys.modules['pydantic'] = mod
    try:
        import tqdm  # noqa: F401
    except ImportError:
        mod = types.ModuleType('tqdm')
        mod.tqdm = lambda it, **kw: it
        sys.modules['tqdm'] = mod
    try:
        import matplotlib.pyplot  # noqa: F401
        import matplotlib.colors  # noqa: F401
    except ImportError:  # exhbma.plot only draws; nothing here uses it
        for name in ('matplotlib', 'matplotlib.pyplot', 'matplotlib.colors'):
            sys.modules[name] = types.ModuleType(name)
        sys.modules['matplotlib'].pyplot = sys.modules['matplotlib.pyplot']
        sys.modules['matplotlib.colors'].LinearSegmentedColormap = None


def load_octet():
    with open(OCTET) as f:
        header = f.readline().strip().split(',')
        rows = [line.strip().split(',') for line in f if line.strip()]
    cols = [header.index(name) for name in PRIMARIES]
    X = np.array([[float(r[c]) for c in cols] for r in rows])
    y = np.array([float(r[header.index('dE_RS_ZB')]) for r in rows])
    return X, y


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = os.path.abspath(sys.argv[1])
    sys.path.insert(0, src)
    install_stand_ins()
    import exhbma
    from exhbma import ExhaustiveLinearRegression, StandardScaler, gamma, inverse, uniform

    X, y = load_octet()
    xs, ys = StandardScaler(n_dim=2), StandardScaler(n_dim=1, scaling=False)
    xs.fit(X)
    ys.fit(y)
    X, y = xs.transform(X), ys.transform(y)
    noise = np.logspace(NOISE_LOG_RANGE[0], NOISE_LOG_RANGE[1], N_POINTS)
    coef = np.logspace(COEF_LOG_RANGE[0], COEF_LOG_RANGE[1], N_POINTS)
    priors = {
        'inverse': lambda x: inverse(x),
        'gamma:0.001:1000': lambda x: gamma(x),
        'uniform': lambda x: uniform(x, low=x[0], high=x[-1]),
    }
    cases = []
    for name, prior in priors.items():
        reg = ExhaustiveLinearRegression(sigma_noise_points=prior(noise),
                                         sigma_coef_points=prior(coef))
        reg.fit(X, y, verbose=False)
        masks = [sum(b << i for i, b in enumerate(ind)) for ind in reg.indicators_]
        assert masks == list(range(2 ** len(PRIMARIES)))
        cases.append({
            'prior': name,
            'sigma_noise_grid': [float(noise[0]), float(noise[-1]), N_POINTS],
            'sigma_coef_grid': [float(coef[0]), float(coef[-1]), N_POINTS],
            'log_likelihood': float(reg.log_likelihood_),
            'feature_posteriors': [float(v) for v in reg.feature_posteriors_],
            'log_likelihoods': [float(v) for v in reg.log_likelihoods_],
        })
    try:
        commit = subprocess.run(['git', '-C', src, 'rev-parse', 'HEAD'], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ''
    out = {
        'source': 'exhbma (github.com/okada-lab/exhbma) ' + (commit or 'unknown commit')
                  + ', version ' + getattr(exhbma, '__version__', '?'),
        'command': '/usr/bin/python3 tests/data/make_fe_grid_exhbma.py EXHBMA_SRC',
        'numpy': np.__version__,
        'data': 'examples/data/octet_binaries.csv',
        'target': 'dE_RS_ZB',
        'features': PRIMARIES,
        'cases': cases,
    }
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
