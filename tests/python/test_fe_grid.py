"""The criterion 'fe-grid': the evidence integrated over a (sigma_noise, sigma_coef) grid.

References, both independent of the library: the exhbma package's per-model log likelihood
and feature posteriors on the octet primary features (tests/data/fe_grid_exhbma.json, made
by tests/data/make_fe_grid_exhbma.py), and a brute force in numpy on a small random problem:
at every grid point the Gaussian log density of y under covariance sn^2 I + sc^2 Z Z' (by
Cholesky), weighted by trapezoid weights in sigma and the priors, summed."""

import itertools
import json
import math
import os

import numpy as np
import pytest

import sparsemi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')
TOL = 1e-9


def reference():
    with open(os.path.join(ROOT, 'tests', 'data', 'fe_grid_exhbma.json')) as f:
        return json.load(f)


def grid_prior(name):
    if name.startswith('gamma:'):
        _, shape, scale = name.split(':')
        return ('gamma', float(shape), float(scale))
    return name


@pytest.mark.parametrize('case', reference()['cases'], ids=lambda c: c['prior'])
def test_exhbma_octet(case):
    ref = reference()
    names = ref['features']
    kw = dict(criterion='fe-grid', sigma_noise_grid=tuple(case['sigma_noise_grid']),
              sigma_coef_grid=tuple(case['sigma_coef_grid']),
              grid_prior=grid_prior(case['prior']), intercept_term=True)
    with sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB', features=names) as ds:
        with sparsemi.exhaustive_search(ds, min_size=0, top=1024, threads=2, **kw) as res:
            assert res.n_models == 1024 and len(res.models) == 1024
            masks = set()
            for m in res.models:
                mask = sum(1 << names.index(f) for f in m.features)
                masks.add(mask)
                assert abs(-m.criterion - case['log_likelihoods'][mask]) <= TOL, m.features
            assert len(masks) == 1024
            inc = res.posterior_inclusion
            for name, want in zip(names, case['feature_posteriors']):
                assert abs(inc[name] - want) <= TOL, name
            assert abs(res.log_evidence_total - case['log_likelihood']) <= TOL
            cfg = res.config
            assert cfg['sigma_noise_grid'] == tuple(case['sigma_noise_grid'])
            assert cfg['intercept_term'] is True
            out = json.loads(res.to_json())['sigma_grid']
            assert out['prior']['kind'] == case['prior'].split(':')[0]
        # one subset directly (QR), the same number
        sub = [names[i] for i in range(len(names)) if 0b1000100110 >> i & 1]
        assert abs(-sparsemi.score_subset(ds, sub, **kw)
                   - case['log_likelihoods'][0b1000100110]) <= TOL


# -- brute force on a small problem ------------------------------------------------------

N, P = 25, 4


def random_problem(seed=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, P)) * rng.uniform(0.5, 4.0, size=P) + rng.normal(size=P)
    y = X[:, :2] @ np.array([1.5, -0.7]) + rng.normal(size=N) * 0.8 + 3.0
    return X, y


def sigma_points(lo, hi, n):
    return np.exp(np.linspace(math.log(lo), math.log(hi), n))


def trapezoid(x):
    w = np.empty_like(x)
    w[0], w[-1] = (x[1] - x[0]) / 2, (x[-1] - x[-2]) / 2
    w[1:-1] = (x[2:] - x[:-2]) / 2
    return w


def log_gauss(y, cov):
    L = np.linalg.cholesky(cov)
    z = np.linalg.solve(L, y)
    return -0.5 * len(y) * math.log(2 * math.pi) - np.log(np.diag(L)).sum() - 0.5 * z @ z


def brute_force(Z, y, noise, coef, prior, term):
    """-ln of sum_ij w_i v_j p(sn_i) p(sc_j) N(y; 0, sn_i^2 I + sc_j^2 Z Z')."""
    n = len(y)
    sn, sc = sigma_points(*noise), sigma_points(*coef)
    logs = []
    for i, a in enumerate(sn):
        for j, b in enumerate(sc):
            ln = log_gauss(y, a * a * np.eye(n) + b * b * Z @ Z.T)
            if term:
                ln += 0.5 * math.log(a * a / (y @ y + a * a))
            ln += math.log(trapezoid(sn)[i] * trapezoid(sc)[j])
            ln += math.log(prior(a, sn) * prior(b, sc))
            logs.append(ln)
    logs = np.array(logs)
    top = logs.max()
    return -(top + math.log(np.exp(logs - top).sum()))


def uniform(x, grid):
    return 1.0 / (grid[-1] - grid[0])


def inverse(x, grid):
    return 1.0 / (x * math.log(grid[-1] / grid[0]))


@pytest.mark.parametrize('noise, coef, prior, term', [
    ((0.3, 3.0, 6), (0.1, 10.0, 5), 'uniform', False),      # 30 distinct ratios
    ((0.2, 5.0, 7), (0.05, 1.25, 7), 'inverse', True),      # equal ln steps: 13 ratios
])
def test_brute_force(noise, coef, prior, term):
    X, y = random_problem()
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    yc = y - y.mean()
    density = uniform if prior == 'uniform' else inverse
    kw = dict(criterion='fe-grid', sigma_noise_grid=noise, sigma_coef_grid=coef,
              grid_prior=prior, intercept_term=term)
    with sparsemi.Dataset(X, y, names=['x%d' % j for j in range(P)], target='t') as ds, \
            sparsemi.exhaustive_search(ds, min_size=0, top=2**P, threads=1, **kw) as res:
        assert res.n_models == 2**P
        for m in res.models:
            cols = [int(f[1:]) for f in m.features]
            Z = Xs[:, cols] if cols else np.zeros((N, 0))
            want = brute_force(Z, yc, noise, coef, density, term)
            assert abs(m.criterion - want) <= 1e-9 * max(1.0, abs(want)), m.features


def test_settings_round_trip_and_errors():
    X, y = random_problem()
    with sparsemi.Dataset(X, y, names=['x%d' % j for j in range(P)], target='t') as ds:
        with sparsemi.exhaustive_search(ds, criterion='fe-grid', grid_prior=('gamma', 2.0, 0.5),
                                        sigma_noise_grid=(0.1, 2.0, 9),
                                        sigma_coef_grid=(0.2, 4.0, 9)) as res:
            cfg = res.config
            assert cfg['grid_prior'] == ('gamma', 2.0, 0.5)
            assert cfg['sigma_noise_grid'] == (0.1, 2.0, 9)
            assert cfg['sigma_coef_grid'] == (0.2, 4.0, 9)
            assert cfg['intercept_term'] is False
        with pytest.raises(sparsemi.Error, match='sigma_noise grid'):
            sparsemi.exhaustive_search(ds, criterion='fe-grid', sigma_noise_grid=(2.0, 1.0, 5))
        with pytest.raises(sparsemi.Error, match='used by criterion'):
            sparsemi.exhaustive_search(ds, criterion='fe-marg', grid_prior='uniform')
        with pytest.raises(ValueError, match='grid_prior'):
            sparsemi.exhaustive_search(ds, criterion='fe-grid', grid_prior='gamma')
        with pytest.raises(sparsemi.Error, match='distinct ratios'):
            sparsemi.exhaustive_search(ds, criterion='fe-grid', sigma_noise_grid=(0.1, 1.0, 20),
                                       sigma_coef_grid=(0.1, 1.0, 21))
