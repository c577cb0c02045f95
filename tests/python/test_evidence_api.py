"""sparsemi.evidence (the Python layer over smi_evidence_run) against independent references
computed here with numpy: the dense n x n Gaussian marginal for the fixed mode, dense
solves for the posterior, a numerical gradient at the optimised hyperparameters,
brute-force grid sums for the marginal mode and scikit-learn's BayesianRidge (skipped when
scikit-learn is not installed)."""

import math
import os

import numpy as np
import pytest

import sparsemi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')
OCTET_MODELS = [['r_s_B'], ['r_s_B', 'r_p_A'], ['r_p_A', 'r_s_B', 'IP_B'],
                ['r_s_A', 'r_p_A', 'r_d_A', 'EA_A', 'IP_A', 'r_s_B']]


@pytest.fixture(scope='module')
def octet():
    with sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB') as ds:
        yield ds


def random_dataset(n=40, p=6, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.2, 30.0, size=p) + rng.normal(size=p) * 10
    y = X[:, :3] @ rng.normal(size=3) + rng.normal(size=n) * 3.0 - 4.0
    return sparsemi.Dataset(X, y, names=['x%d' % j for j in range(p)], target='y'), X, y


# -- independent references ------------------------------------------------------------

def design(X, y, indices, intercept=True, standardize=True):
    Z = X[:, indices].copy()
    yc = y.copy()
    if intercept:
        Z -= Z.mean(axis=0)
        yc -= yc.mean()
    sd = np.ones(len(indices))
    if standardize:   # the population sd of the raw feature, also without an intercept
        sd = X[:, indices].std(axis=0)
        Z /= sd
    return Z, yc, sd


def dense_free_energy(Z, yc, alpha, beta):
    """-ln N(yc; 0, beta^-1 I + alpha^-1 Z Z'), the n x n Gaussian."""
    n = len(yc)
    C = np.eye(n) / beta + Z @ Z.T / alpha
    sign, logdet = np.linalg.slogdet(C)
    assert sign > 0
    return 0.5 * (logdet + yc @ np.linalg.solve(C, yc) + n * math.log(2 * math.pi))


def posterior(Z, yc, alpha, beta):
    A = alpha * np.eye(Z.shape[1]) + beta * Z.T @ Z
    S = np.linalg.inv(A)
    m = beta * np.linalg.solve(A, Z.T @ yc)
    return m, S, A


def indices_of(ds, features):
    return [ds.index(f) if isinstance(f, str) else f for f in features]


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# -- fixed hyperparameters -----------------------------------------------------------------

@pytest.mark.parametrize('features', OCTET_MODELS)
@pytest.mark.parametrize('alpha,beta', [(1.0, 5.0), (0.05, 200.0), (30.0, 0.7)])
def test_fixed_octet_is_the_dense_gaussian(octet, features, alpha, beta):
    ev = sparsemi.evidence(octet, features, hyper='fixed', alpha=alpha, beta=beta)
    Z, yc, _ = design(octet.X, octet.y, indices_of(octet, features))
    F = dense_free_energy(Z, yc, alpha, beta)
    assert ev.free_energy == pytest.approx(F, rel=1e-10, abs=1e-10)
    assert ev.log_evidence == -ev.free_energy
    assert (ev.alpha, ev.beta) == (alpha, beta)
    assert ev.noise_sd == pytest.approx(beta ** -0.5, rel=1e-14)
    assert ev.hyper == 'fixed' and ev.converged
    assert ev.features == tuple(features)


@pytest.mark.parametrize('intercept,standardize', [(True, True), (True, False),
                                                   (False, True), (False, False)])
@pytest.mark.parametrize('features', [[0], [2, 0, 4], [0, 1, 2, 3, 4, 5]])
def test_fixed_random_is_the_dense_gaussian(features, intercept, standardize):
    ds, X, y = random_dataset()
    with ds:
        alpha, beta = 0.3, 0.11
        ev = sparsemi.evidence(ds, features, hyper='fixed', alpha=alpha, beta=beta,
                               intercept=intercept, standardize=standardize)
        Z, yc, _ = design(X, y, features, intercept, standardize)
        F = dense_free_energy(Z, yc, alpha, beta)
        assert ev.free_energy == pytest.approx(F, rel=1e-10)
        assert ev.features == tuple('x%d' % j for j in features)
        assert ev.indices == tuple(features)


@pytest.mark.parametrize('features', OCTET_MODELS[1:])
def test_posterior_mean_covariance_and_terms(octet, features):
    alpha, beta = 0.8, 12.0
    ev = sparsemi.evidence(octet, features, hyper='fixed', alpha=alpha, beta=beta)
    idx = indices_of(octet, features)
    X, y = octet.X, octet.y
    Z, yc, sd = design(X, y, idx)
    m, S, A = posterior(Z, yc, alpha, beta)
    k, n = len(idx), len(y)
    w = m / sd
    assert rel(ev.mean, w) < 1e-10
    assert list(ev.coefficients) == list(features)
    assert rel([ev.coefficients[f] for f in features], w) < 1e-10
    assert ev.intercept == pytest.approx(y.mean() - X[:, idx].mean(axis=0) @ w, rel=1e-10)
    assert ev.covariance.shape == (k, k)
    assert np.allclose(ev.covariance, S / np.outer(sd, sd), rtol=1e-10, atol=0)
    fit = (beta / 2 * np.sum((yc - Z @ m) ** 2) + alpha / 2 * m @ m
           - n / 2 * math.log(beta) + n / 2 * math.log(2 * math.pi))
    complexity = 0.5 * np.linalg.slogdet(A)[1] - k / 2 * math.log(alpha)
    assert ev.fit_term == pytest.approx(fit, rel=1e-10)
    assert ev.complexity_term == pytest.approx(complexity, rel=1e-9, abs=1e-10)
    lam = np.linalg.eigvalsh(beta * Z.T @ Z)
    assert ev.gamma_eff == pytest.approx(np.sum(lam / (alpha + lam)), rel=1e-10)


def test_posterior_without_intercept():
    ds, X, y = random_dataset(seed=5)
    with ds:
        ev = sparsemi.evidence(ds, ['x1', 'x3'], hyper='fixed', alpha=2.0, beta=0.05,
                               intercept=False)
        Z, yc, sd = design(X, y, [1, 3], intercept=False)
        m, S, _ = posterior(Z, yc, 2.0, 0.05)
        assert rel(ev.mean, m / sd) < 1e-10
        assert np.allclose(ev.covariance, S / np.outer(sd, sd), rtol=1e-10, atol=0)
        assert ev.intercept == 0.0


# -- optimised hyperparameters ---------------------------------------------------------------

def optimise_cases():
    ds, X, y = random_dataset(n=60, seed=11)
    yield ds, X, y, [0, 1, 2]
    yield ds, X, y, [0, 1, 2, 3, 4, 5]
    octet = sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB')
    for features in OCTET_MODELS[1:]:
        yield octet, octet.X, octet.y, indices_of(octet, features)


@pytest.mark.parametrize('case', range(5))
def test_optimised_gradient_vanishes(case):
    ds, X, y, idx = list(optimise_cases())[case]
    ev = sparsemi.evidence(ds, idx, hyper='optimize')
    assert ev.converged and ev.hyper == 'optimize' and ev.iterations >= 1
    Z, yc, sd = design(X, y, idx)
    la, lb = math.log(ev.alpha), math.log(ev.beta)
    F0 = dense_free_energy(Z, yc, ev.alpha, ev.beta)
    assert ev.free_energy == pytest.approx(F0, rel=1e-10)
    h = 1e-4

    def F(a, b):
        return dense_free_energy(Z, yc, math.exp(a), math.exp(b))

    grad = [(F(la + h, lb) - F(la - h, lb)) / (2 * h), (F(la, lb + h) - F(la, lb - h)) / (2 * h)]
    # a stationary point: the derivatives are 1e-5 relative to F (observed: about 1e-7
    # absolute, the central difference's own rounding error)
    assert max(abs(g) for g in grad) <= 1e-5 * max(1.0, abs(F0)), grad
    # and a minimum: every neighbour is higher
    for da, db in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05)]:
        assert F(la + da, lb + db) > F0
    # the posterior at the optimum
    m, S, _ = posterior(Z, yc, ev.alpha, ev.beta)
    assert rel(ev.mean, m / sd) < 1e-9
    assert np.allclose(ev.covariance, S / np.outer(sd, sd), rtol=1e-9, atol=0)


@pytest.mark.parametrize('case', range(5))
def test_optimised_matches_sklearn(case):
    linear_model = pytest.importorskip('sklearn.linear_model')
    ds, X, y, idx = list(optimise_cases())[case]
    Z, yc, _ = design(X, y, idx)
    params = linear_model.BayesianRidge().get_params()
    iters = {('max_iter' if 'max_iter' in params else 'n_iter'): 100000}
    model = linear_model.BayesianRidge(fit_intercept=False, alpha_1=1e-12, alpha_2=1e-12,
                                       lambda_1=1e-12, lambda_2=1e-12, tol=1e-12, **iters)
    model.fit(Z, yc)
    ev = sparsemi.evidence(ds, idx, hyper='optimize')
    assert ev.alpha == pytest.approx(model.lambda_, rel=1e-6)
    assert ev.beta == pytest.approx(model.alpha_, rel=1e-6)


def test_optimise_start_and_iterations_are_passed(octet):
    a = sparsemi.evidence(octet, ['r_s_B', 'r_p_A'])
    b = sparsemi.evidence(octet, ['r_s_B', 'r_p_A'], alpha=100.0, beta=1.0, max_iter=5000,
                          tol=1e-12)
    assert a.hyper == 'optimize'
    assert b.alpha == pytest.approx(a.alpha, rel=1e-7)
    assert b.beta == pytest.approx(a.beta, rel=1e-7)


def test_not_converged_warns_and_returns(octet):
    with pytest.warns(sparsemi.EvidenceWarning) as record:
        ev = sparsemi.evidence(octet, ['r_s_B', 'r_p_A', 'IP_B'], hyper='optimize',
                               alpha=1e4, beta=1e-2, max_iter=1)
    assert ev.converged is False
    assert ev.status == sparsemi.SMI_ENOCONV   # a success with a caveat, not an Error
    assert ev.message and ev.message in str(record[0].message)
    assert ev.iterations <= 1
    assert math.isfinite(ev.free_energy)
    Z, yc, _ = design(octet.X, octet.y, indices_of(octet, ['r_s_B', 'r_p_A', 'IP_B']))
    assert ev.free_energy == pytest.approx(dense_free_energy(Z, yc, ev.alpha, ev.beta),
                                           rel=1e-10)
    assert issubclass(sparsemi.EvidenceWarning, UserWarning)


# -- marginal and normal-gamma -----------------------------------------------------------------

def trapezoid_weights(s):
    w = np.empty_like(s)
    w[0] = (s[1] - s[0]) / 2
    w[-1] = (s[-1] - s[-2]) / 2
    w[1:-1] = (s[2:] - s[:-2]) / 2
    return w


def marginal_reference(Z, yc, sdy, noise, coef, prior):
    sn = sdy * np.logspace(math.log10(noise[0]), math.log10(noise[1]), noise[2])
    sc = sdy * np.logspace(math.log10(coef[0]), math.log10(coef[1]), coef[2])

    def density(s, lo, hi):
        if prior[0] == 'inverse':
            return 1 / (s * math.log(hi / lo))
        if prior[0] == 'uniform':
            return np.full_like(s, 1 / (hi - lo))
        shape, scale = prior[1], prior[2] * sdy
        g = s ** (shape - 1) * np.exp(-s / scale)
        return g / np.sum(trapezoid_weights(s) * g)

    wn = trapezoid_weights(sn) * density(sn, sn[0], sn[-1])
    wc = trapezoid_weights(sc) * density(sc, sc[0], sc[-1])
    terms = np.array([[math.log(wn[i] * wc[j]) - dense_free_energy(Z, yc, sc[j] ** -2,
                                                                     sn[i] ** -2)
                       for j in range(len(sc))] for i in range(len(sn))])
    top = terms.max()
    return -(top + math.log(np.exp(terms - top).sum()))


@pytest.mark.parametrize('prior', [('inverse',), ('uniform',), ('gamma', 2.0, 0.5)])
def test_marginal_is_the_grid_sum(octet, prior):
    features = ['r_s_B', 'r_p_A']
    noise, coef = (1e-2, 3.0, 9), (1e-1, 30.0, 7)
    ev = sparsemi.evidence(octet, features, hyper='marginal', sigma_noise_grid=noise,
                           sigma_coef_grid=coef,
                           prior=prior if prior[0] == 'gamma' else prior[0])
    Z, yc, _ = design(octet.X, octet.y, indices_of(octet, features))
    F = marginal_reference(Z, yc, octet.y.std(), noise, coef, prior)
    assert ev.free_energy == pytest.approx(F, rel=1e-10)
    assert ev.hyper == 'marginal'
    assert ev.fit_term + ev.complexity_term == pytest.approx(ev.free_energy, rel=1e-12)


def test_marginal_default_and_given_grid_report_their_error(octet):
    """A coarse given grid is used literally (the test's own grid sum), warns, and reports as
    its error its distance from the default, accurate integral (checked against scipy in
    tests/cli/test_evidence.py), whose own estimate is tiny."""
    features = ['r_s_B', 'r_p_A']
    ev = sparsemi.evidence(octet, features, hyper='marginal')
    assert ev.quadrature_error < 1e-8 and ev.status == sparsemi.SMI_OK and ev.converged
    Z, yc, _ = design(octet.X, octet.y, indices_of(octet, features))
    noise, coef = (1e-3, 10.0, 9), (1e-2, 1e2, 9)
    with pytest.warns(sparsemi.EvidenceWarning):
        coarse = sparsemi.evidence(octet, features, hyper='marginal', sigma_noise_grid=noise,
                                   sigma_coef_grid=coef)
    assert coarse.free_energy == pytest.approx(
        marginal_reference(Z, yc, octet.y.std(), noise, coef, ('inverse',)), rel=1e-10)
    assert coarse.status == sparsemi.SMI_ENOCONV and coarse.converged
    assert 'quadrature error' in coarse.message
    truth = abs(coarse.free_energy - ev.free_energy)
    assert truth > 0.01
    assert coarse.quadrature_error == pytest.approx(truth, rel=1e-6)
    assert coarse.to_dict()['quadrature_error'] == coarse.quadrature_error


def test_marginal_prior_string_form(octet):
    a = sparsemi.evidence(octet, ['r_s_B'], hyper='marginal', prior=('gamma', 2.0, 0.5))
    b = sparsemi.evidence(octet, ['r_s_B'], hyper='marginal', prior='gamma:2:0.5')
    assert a.free_energy == b.free_energy


def test_normal_gamma_closed_form(octet):
    features = ['r_s_B', 'r_p_A', 'IP_B']
    lam, a0, b0 = 0.5, 2.0, 0.3
    ev = sparsemi.evidence(octet, features, hyper='ng', ng=(lam, a0, b0))
    Z, yc, _ = design(octet.X, octet.y, indices_of(octet, features))
    n, k = Z.shape
    # p(y) = Student-t: y ~ t_{2 a0}(0, (b0/a0)(I + Z Z'/lam))
    C = np.eye(n) + Z @ Z.T / lam
    q = yc @ np.linalg.solve(C, yc)
    lnp = (math.lgamma(a0 + n / 2) - math.lgamma(a0) - n / 2 * math.log(2 * math.pi * b0)
           - 0.5 * np.linalg.slogdet(C)[1] - (a0 + n / 2) * math.log1p(q / (2 * b0)))
    assert ev.free_energy == pytest.approx(-lnp, rel=1e-10)
    assert ev.hyper == 'ng'
    assert ev.alpha == pytest.approx(lam * ev.beta, rel=1e-12)
    assert ev.beta == pytest.approx((a0 + n / 2) / (b0 + q / 2), rel=1e-10)


def test_to_dict(octet):
    ev = sparsemi.evidence(octet, ['r_s_B', 'r_p_A'], hyper='fixed', alpha=1.0, beta=2.0)
    d = ev.to_dict()
    assert d['command'] == 'evidence' and d['hyper'] == 'fixed'
    assert d['features'] == ['r_s_B', 'r_p_A']
    assert d['log_evidence'] == -d['free_energy']
    assert d['covariance'] == ev.covariance.tolist()
    assert 'not converged' not in repr(ev)
    assert ev.status == sparsemi.SMI_OK and ev.message is None


# -- bad input -----------------------------------------------------------------------------

def raises(status, func, *args, **kwargs):
    with pytest.raises(sparsemi.Error) as info:
        func(*args, **kwargs)
    assert info.value.status == status, (info.value.status, str(info.value))
    assert str(info.value)
    return info.value


def test_unknown_hyper_is_a_value_error(octet):
    # documented: an unknown mode name is caught in Python, before the library is called
    with pytest.raises(ValueError):
        sparsemi.evidence(octet, ['r_s_B'], hyper='bogus')
    with pytest.raises(ValueError):
        sparsemi.evidence(octet, ['r_s_B'], hyper=17)
    with pytest.raises(ValueError):
        sparsemi.evidence(octet, ['r_s_B'], hyper='marginal', prior='lognormal')


@pytest.mark.parametrize('alpha,beta', [(0.0, 1.0), (-1.0, 1.0), (float('nan'), 1.0),
                                        (1.0, -2.0), (float('inf'), 1.0)])
@pytest.mark.parametrize('hyper', ['fixed', 'optimize'])
def test_bad_hyperparameters(octet, alpha, beta, hyper):
    raises(sparsemi.SMI_EINVAL, sparsemi.evidence, octet, ['r_s_B'], hyper=hyper,
           alpha=alpha, beta=beta)


def test_bad_settings(octet):
    E = sparsemi.SMI_EINVAL
    raises(E, sparsemi.evidence, octet, ['r_s_B'], max_iter=0)
    raises(E, sparsemi.evidence, octet, ['r_s_B'], tol=0.0)
    raises(E, sparsemi.evidence, octet, ['r_s_B'], hyper='marginal',
           sigma_noise_grid=(1.0, 0.5, 10))
    raises(E, sparsemi.evidence, octet, ['r_s_B'], hyper='marginal',
           sigma_coef_grid=(0.1, 1.0, 1))
    raises(E, sparsemi.evidence, octet, ['r_s_B'], hyper='marginal', prior=('gamma', 0, 1))
    raises(E, sparsemi.evidence, octet, ['r_s_B'], hyper='ng', ng=(0.0, 1.0, 1.0))
    raises(E, sparsemi.evidence, octet, ['r_s_B'], hyper='ng', ng=(1.0, -1.0, 1.0))


def test_bad_features(octet):
    raises(sparsemi.SMI_EINVAL, sparsemi.evidence, octet, [])
    raises(sparsemi.SMI_EINVAL, sparsemi.evidence, octet, ['r_s_B', 'r_s_B'])
    raises(sparsemi.SMI_EINVAL, sparsemi.evidence, octet, [octet.p])
    raises(sparsemi.SMI_ENOTFOUND, sparsemi.evidence, octet, ['no_such_feature'])


def test_too_few_samples():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(4, 5)), rng.normal(size=4)
    with sparsemi.Dataset(X, y) as ds:
        raises(sparsemi.SMI_EINVAL, sparsemi.evidence, ds, [0, 1, 2, 3])
        raises(sparsemi.SMI_EINVAL, sparsemi.evidence, ds, [0, 1, 2])   # n = k + 1, intercept
        ev = sparsemi.evidence(ds, [0, 1, 2], hyper='fixed', alpha=1.0, beta=1.0,
                               intercept=False)
        assert math.isfinite(ev.free_energy)


def test_constant_feature_is_singular():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(20, 3))
    X[:, 1] = 2.5
    with sparsemi.Dataset(X, rng.normal(size=20)) as ds:
        raises(sparsemi.SMI_ESINGULAR, sparsemi.evidence, ds, [0, 1], hyper='fixed')


def test_closed_dataset(octet):
    ds, _, _ = random_dataset()
    ds.close()
    with pytest.raises(ValueError):
        sparsemi.evidence(ds, [0])
