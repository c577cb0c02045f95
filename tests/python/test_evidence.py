"""The optimised Bayesian evidence of one model (smi_evidence_run, called through the
generated ctypes declarations) against scikit-learn's BayesianRidge run live on the same
standardised data (skipped when scikit-learn is not installed), and the fixed mode against
the dense Gaussian density computed here with numpy."""

import ctypes
import math
import os

import numpy as np
import pytest

import sparsemi
from sparsemi import lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')


def fit(ds, features, mode, intercept=True, hyper=None):
    """(F, alpha, beta) from smi_evidence_run."""
    cfg = ctypes.POINTER(sparsemi._capi.smi_evidence)()
    ev = ctypes.POINTER(sparsemi._capi.smi_evidence_result)()
    assert lib.smi_evidence_create(ctypes.byref(cfg)) == 0
    try:
        assert lib.smi_evidence_set_mode(cfg, mode) == 0
        assert lib.smi_evidence_set_intercept(cfg, int(intercept)) == 0
        if hyper:
            assert lib.smi_evidence_set_hyper(cfg, *hyper) == 0
        subset = (ctypes.c_size_t * len(features))(*features)
        rc = lib.smi_evidence_run(ds._h, subset, len(features), cfg, ctypes.byref(ev))
        assert rc == 0, sparsemi._lib.last_error()
        return (lib.smi_evidence_result_free_energy(ev), lib.smi_evidence_result_alpha(ev),
                lib.smi_evidence_result_beta(ev))
    finally:
        lib.smi_evidence_result_free(ev)
        lib.smi_evidence_free(cfg)


def design(X, y, features, intercept=True):
    Z = X[:, features]
    sd = Z.std(axis=0)
    if intercept:
        return (Z - Z.mean(axis=0)) / sd, y - y.mean()
    return Z / sd, y


def problems():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(50, 6)) * [1, 4, 0.2, 9, 1, 3] + [0, 10, -1, 100, 2, 0]
    y = X[:, 0] - 5 * X[:, 2] + 0.1 * X[:, 3] + rng.normal(size=50) + 7
    yield sparsemi.Dataset(X, y), X, y, [0, 2, 3], True
    yield sparsemi.Dataset(X, y), X, y, [0, 1, 2, 3, 4, 5], True
    yield sparsemi.Dataset(X, y), X, y, [3, 0], False
    ds = sparsemi.Dataset.from_csv(OCTET)
    yield ds, ds.X, ds.y, [ds.index(f) for f in ('r_s_B', 'r_p_A', 'r_p_B')], True


@pytest.mark.parametrize('case', range(4))
def test_optimised_evidence_matches_sklearn(case):
    linear_model = pytest.importorskip('sklearn.linear_model')
    ds, X, y, features, intercept = list(problems())[case]
    Z, yc = design(X, y, features, intercept)
    model = linear_model.BayesianRidge(fit_intercept=False, alpha_1=1e-12, alpha_2=1e-12,
                                       lambda_1=1e-12, lambda_2=1e-12, tol=1e-300,
                                       **{('max_iter' if 'max_iter' in
                                           linear_model.BayesianRidge().get_params()
                                           else 'n_iter'): 20000})
    model.fit(Z, yc)
    F, alpha, beta = fit(ds, features, sparsemi.SMI_HYPER_OPTIMIZE, intercept)
    assert alpha == pytest.approx(model.lambda_, rel=1e-6)
    assert beta == pytest.approx(model.alpha_, rel=1e-6)


@pytest.mark.parametrize('case', range(4))
def test_fixed_evidence_is_the_gaussian_marginal(case):
    ds, X, y, features, intercept = list(problems())[case]
    Z, yc = design(X, y, features, intercept)
    alpha, beta = 0.7, 2.5
    C = np.eye(len(yc)) / beta + Z @ Z.T / alpha
    sign, logdet = np.linalg.slogdet(C)
    want = 0.5 * (len(yc) * math.log(2 * math.pi) + logdet + yc @ np.linalg.solve(C, yc))
    F, a, b = fit(ds, features, sparsemi.SMI_HYPER_FIXED, intercept, (alpha, beta))
    assert (a, b) == (alpha, beta)
    assert F == pytest.approx(want, rel=1e-10)
