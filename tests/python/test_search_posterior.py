"""The model posterior of the free-energy searches (SearchResult.log_evidence_total,
posterior_inclusion, size_posterior, dos_posterior, model_average) and the criteria fe-ng
and fe-marg, against a brute force in numpy over every subset: the normal-gamma evidence
of each subset in closed form, the grid average of fe-marg, and the model priors."""

import itertools
import json
import math
import os
import subprocess

import numpy as np
import pytest
from scipy import integrate, interpolate

import sparsemi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OCTET = os.path.join(ROOT, 'examples', 'data', 'octet_binaries.csv')
PRIMARIES = ['r_s_A', 'r_p_A', 'r_d_A', 'EA_A', 'IP_A', 'r_s_B', 'r_p_B', 'r_d_B', 'EA_B',
             'IP_B']
N, P = 35, 7
RTOL = 1e-9
NG = (0.8, 2.0, 0.5)           # (lambda, a0, b0) of the fe-ng tests
GRID = (1e-2, 1e2, 7)          # (lo, hi, count) of the fe-marg tests
NG_DEFAULT = (1.0, 1e-6, 1e-6)  # the library's default normal-gamma prior
ALL = 2**P - 1


def random_problem(n=N, p=P, seed=11):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 10.0, size=p) + rng.normal(size=p) * 3
    y = X[:, :3] @ rng.normal(size=3) + rng.normal(size=n) * 4.0 + 1.5
    return X, y


@pytest.fixture(scope='module')
def problem():
    X, y = random_problem()
    with sparsemi.Dataset(X, y, names=['f%d' % j for j in range(P)], target='t') as ds:
        yield X, y, ds


def raises(status, func, *args, **kwargs):
    with pytest.raises(sparsemi.Error) as info:
        func(*args, **kwargs)
    assert info.value.status == status, (info.value.status, str(info.value))
    return info.value


# -- independent references --------------------------------------------------------------

def all_subsets(p=P):
    """Every non-empty subset, as sorted index tuples."""
    return [s for k in range(1, p + 1) for s in itertools.combinations(range(p), k)]


def logsumexp(values):
    values = np.asarray(values, dtype=np.float64)
    top = values.max()
    return float(top + np.log(np.sum(np.exp(values - top))))


def log_evidence_ng(X, y, subset, lam, a0, b0):
    """ln p(y | S) under w ~ N(0, sigma^2 / lambda I), sigma^-2 ~ Gamma(a0, rate b0), on
    the centred features of S scaled by their population sd and centred y."""
    n, k = len(y), len(subset)
    XS = X[:, list(subset)]
    Z = (XS - XS.mean(axis=0)) / XS.std(axis=0)
    t = y - y.mean()
    A = lam * np.eye(k) + Z.T @ Z
    b = Z.T @ t
    R = t @ t - b @ np.linalg.solve(A, b)
    an = a0 + n / 2
    return (-n / 2 * math.log(2 * math.pi) + k / 2 * math.log(lam)
            - 0.5 * np.linalg.slogdet(A)[1] + a0 * math.log(b0) - math.lgamma(a0)
            + math.lgamma(an) - an * math.log(b0 + R / 2))


def log_evidence_marg(X, y, subset, grid, a0, b0):
    """ln of the normal-gamma evidence averaged over ln lambda with a flat prior on the
    grid's range, the library's rule from 5 ratios on: scipy's not-a-knot cubic spline of
    ln p(y | S, lambda) in ln lambda, its exponential integrated by Simpson's rule on four
    sub-intervals per grid interval (scipy.integrate.simpson), divided by the span."""
    lo, hi, G = grid
    t = np.linspace(math.log(lo), math.log(hi), G)
    values = np.array([log_evidence_ng(X, y, subset, math.exp(tg), a0, b0) for tg in t])
    spline = interpolate.CubicSpline(t, values, bc_type='not-a-knot')
    fine = np.linspace(t[0], t[-1], 4 * (G - 1) + 1)
    top = values.max()
    total = integrate.simpson(np.exp(spline(fine) - top), x=fine)
    return float(top + math.log(total / (t[-1] - t[0])))


def free_energy_fe(X, y, subset, alpha=1e-2, beta=1.0):
    """F of criterion 'fe' (as tests/python/test_search.py)."""
    n, k = len(y), len(subset)
    XS = X[:, list(subset)]
    Z = (XS - XS.mean(axis=0)) / XS.std(axis=0)
    t = y - y.mean()
    A = alpha * np.eye(k) + beta * Z.T @ Z
    b = Z.T @ t
    return (n / 2 * math.log(2 * math.pi) - n / 2 * math.log(beta) - k / 2 * math.log(alpha)
            + 0.5 * np.linalg.slogdet(A)[1]
            + beta / 2 * (t @ t - beta * b @ np.linalg.solve(A, b)))


def log_prior(subsets, prior, q=0.5, p=P):
    """ln p(S) over the given subsets: uniform, or Bernoulli(q) renormalised over them."""
    if prior == 'uniform':
        return {s: -math.log(len(subsets)) for s in subsets}
    raw = {s: len(s) * math.log(q) + (p - len(s)) * math.log1p(-q) for s in subsets}
    norm = logsumexp(list(raw.values()))
    return {s: v - norm for s, v in raw.items()}


def posterior(log_ev, log_pr, p=P):
    """(log evidence total, inclusion (p), size posterior (p + 1), weights dict)."""
    subsets = list(log_ev)
    joint = np.array([log_ev[s] + log_pr[s] for s in subsets])
    total = logsumexp(joint)
    weights = dict(zip(subsets, np.exp(joint - total)))
    inclusion = np.zeros(p)
    sizes = np.zeros(p + 1)
    for s, w in weights.items():
        inclusion[list(s)] += w
        sizes[len(s)] += w
    return total, inclusion, sizes, weights


def close(a, b, rtol=RTOL):
    return abs(a - b) <= rtol * max(abs(a), abs(b), 1.0)


def check_posterior(res, total, inclusion, sizes, weights, neg_log_ev):
    """res against the reference posterior; neg_log_ev: subset -> the criterion."""
    assert res.has_posterior
    assert isinstance(res.log_evidence_total, float)
    assert close(res.log_evidence_total, total), (res.log_evidence_total, total)
    pi, sp, dp = res.posterior_inclusion, res.size_posterior, res.dos_posterior
    assert pi.dtype == np.float64 and pi.shape == (P,)
    assert sp.shape == (res.max_size + 1,) == (P + 1,)
    np.testing.assert_allclose(pi, inclusion, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(sp, sizes, rtol=RTOL, atol=1e-12)
    # DOS posterior: the posterior mass of the subsets scored into each bin.
    dos = res.dos
    assert dp.shape == dos.counts.shape
    values = np.array([neg_log_ev[s] for s in weights])
    mass = np.array(list(weights.values()))
    inner = dos.edges[1:-1]
    gap = np.min(np.abs(values[:, None] - inner[None, :])) if inner.size else np.inf
    assert gap > 1e-6 * np.abs(values).max()   # no score on a bin edge in this data
    expected = np.zeros(dos.counts.size)
    np.add.at(expected, np.searchsorted(dos.edges, values, side='right') - 1, mass)
    np.testing.assert_allclose(dp, expected, rtol=1e-9, atol=1e-12)
    assert math.isclose(dp.sum(), 1.0, rel_tol=1e-12)


# -- fe-ng, uniform prior ----------------------------------------------------------------

def test_fe_ng_uniform_posterior(problem):
    X, y, ds = problem
    subsets = all_subsets()
    log_ev = {s: log_evidence_ng(X, y, s, *NG) for s in subsets}
    neg = {s: -v for s, v in log_ev.items()}
    total, inclusion, sizes, weights = posterior(log_ev, log_prior(subsets, 'uniform'))
    assert sizes[0] == 0.0
    with sparsemi.exhaustive_search(ds, criterion='fe-ng', normal_gamma=NG, top=ALL) as res:
        assert res.criterion == 'fe-ng' and res.n_models == ALL and res.n_singular == 0
        for m in res.models:
            assert close(m.criterion, neg[m.indices]), (m.indices, m.criterion)
        check_posterior(res, total, inclusion, sizes, weights, neg)
    # The default prior is 'uniform'; given explicitly it is the same.
    with sparsemi.exhaustive_search(ds, criterion='fe-ng', normal_gamma=NG,
                                    model_prior='uniform') as res:
        assert close(res.log_evidence_total, total)
    # score_subset takes the same prior.
    for s in [(0,), (1, 4), (0, 2, 3, 6)]:
        assert close(sparsemi.score_subset(ds, s, criterion='fe-ng', normal_gamma=NG), neg[s])


def test_fe_ng_model_average(problem):
    """The posterior mean of the coefficients: each subset's (lambda I + Z'Z)^-1 Z'y in
    data units, weighted by p(S | y); exact over every subset (p <= 20)."""
    X, y, ds = problem
    subsets = all_subsets()
    log_ev = {s: log_evidence_ng(X, y, s, *NG) for s in subsets}
    weights = posterior(log_ev, log_prior(subsets, 'uniform'))[3]
    coef, intercept = np.zeros(P), 0.0
    for s, w in weights.items():
        XS = X[:, list(s)]
        mu, sd = XS.mean(axis=0), XS.std(axis=0)
        Z, t = (XS - mu) / sd, y - y.mean()
        m = np.linalg.solve(NG[0] * np.eye(len(s)) + Z.T @ Z, Z.T @ t) / sd
        coef[list(s)] += w * m
        intercept += w * (y.mean() - mu @ m)
    with sparsemi.exhaustive_search(ds, criterion='fe-ng', normal_gamma=NG) as res:
        avg = res.model_average
        assert avg.exact and avg.mass == 1.0
        assert list(avg.coefficients) == res.features
        np.testing.assert_allclose(list(avg.coefficients.values()), coef, rtol=1e-9,
                                   atol=1e-12 * np.abs(coef).max())
        assert close(avg.intercept, intercept)
    with sparsemi.exhaustive_search(ds, criterion='bic') as res:
        assert res.model_average is None


def test_fe_ng_forced_feature(problem):
    X, y, ds = problem
    subsets = [s for s in all_subsets() if 2 in s]
    log_ev = {s: log_evidence_ng(X, y, s, *NG) for s in subsets}
    total, inclusion, sizes, weights = posterior(log_ev, log_prior(subsets, 'uniform'))
    with sparsemi.exhaustive_search(ds, criterion='fe-ng', normal_gamma=NG, keep=['f2'],
                                    top=ALL) as res:
        assert res.n_models == len(subsets)
        check_posterior(res, total, inclusion, sizes, weights,
                        {s: -v for s, v in log_ev.items()})
        assert res.posterior_inclusion[2] == 1.0
        assert res.size_posterior[0] == 0.0


def test_fe_posterior_uniform(problem):
    """Criterion 'fe' has a posterior too: exp(-F) as the evidence."""
    X, y, ds = problem
    subsets = all_subsets()
    log_ev = {s: -free_energy_fe(X, y, s, 0.5, 2.0) for s in subsets}
    total, inclusion, sizes, weights = posterior(log_ev, log_prior(subsets, 'uniform'))
    with sparsemi.exhaustive_search(ds, criterion='fe', alpha=0.5, beta=2.0) as res:
        check_posterior(res, total, inclusion, sizes, weights,
                        {s: -v for s, v in log_ev.items()})


# -- fe-marg, Bernoulli prior ------------------------------------------------------------

def test_fe_marg_bernoulli_posterior(problem):
    X, y, ds = problem
    subsets = all_subsets()
    log_ev = {s: log_evidence_marg(X, y, s, GRID, *NG_DEFAULT[1:]) for s in subsets}
    neg = {s: -v for s, v in log_ev.items()}
    total, inclusion, sizes, weights = posterior(log_ev, log_prior(subsets, 'bernoulli', 0.3))
    with sparsemi.exhaustive_search(ds, criterion='fe-marg', ratio_grid=GRID, top=ALL,
                                    model_prior='bernoulli', prior_q=0.3) as res:
        assert res.criterion == 'fe-marg' and res.n_models == ALL and res.n_singular == 0
        assert len(res.models) == ALL
        for m in res.models:
            assert close(m.criterion, neg[m.indices]), (m.indices, m.criterion)
        check_posterior(res, total, inclusion, sizes, weights, neg)
    # The Bernoulli prior differs from the uniform one on these data.
    u_total, u_inclusion = posterior(log_ev, log_prior(subsets, 'uniform'))[:2]
    with sparsemi.exhaustive_search(ds, criterion='fe-marg', ratio_grid=GRID) as res:
        assert close(res.log_evidence_total, u_total)
        np.testing.assert_allclose(res.posterior_inclusion, u_inclusion, rtol=RTOL, atol=1e-12)
    assert np.max(np.abs(u_inclusion - inclusion)) > 1e-3
    # score_subset with the same grid; its lambda is the grid's, a0 and b0 are given.
    ng = (123.0, 2.0, 0.5)   # lambda ignored by fe-marg
    for s in [(0,), (1, 4), (0, 2, 3, 6)]:
        assert close(sparsemi.score_subset(ds, s, criterion='fe-marg', ratio_grid=GRID), neg[s])
        assert close(sparsemi.score_subset(ds, s, criterion='fe-marg', ratio_grid=GRID,
                                           normal_gamma=ng),
                     -log_evidence_marg(X, y, s, GRID, 2.0, 0.5))


@pytest.mark.parametrize('grid', [(1e-2, 1e2, 5), (1e-2, 1e2, 6), (1e-4, 1e4, 20)])
def test_fe_marg_spline_rule_on_small_and_default_grids(problem, grid):
    """The spline rule from its smallest grid (5 ratios) to the default one."""
    X, y, ds = problem
    for s in [(0,), (1, 4), (0, 2, 3, 6)]:
        assert close(sparsemi.score_subset(ds, s, criterion='fe-marg', ratio_grid=grid),
                     -log_evidence_marg(X, y, s, grid, *NG_DEFAULT[1:]))


def test_fe_opt_posterior_is_its_own_criterion(problem):
    """fe-opt: the posterior is exp(-F) of its reported scores (a consistency check)."""
    X, y, ds = problem
    with sparsemi.exhaustive_search(ds, criterion='fe-opt', ratio_grid=GRID, top=ALL) as res:
        assert res.n_models == ALL
        scores = {m.indices: m.criterion for m in res.models}
        log_ev = {s: -v for s, v in scores.items()}
        total, inclusion, sizes, _ = posterior(log_ev, log_prior(list(scores), 'uniform'))
        assert close(res.log_evidence_total, total, rtol=1e-8)
        np.testing.assert_allclose(res.posterior_inclusion, inclusion, rtol=1e-7, atol=1e-12)
        np.testing.assert_allclose(res.size_posterior, sizes, rtol=1e-7, atol=1e-12)


# -- no posterior ------------------------------------------------------------------------

@pytest.mark.parametrize('criterion, kwargs', [
    ('bic', {}),
    ('rss', {'model_prior': 'uniform'}),   # the default: nothing to accumulate
    ('fe-ng', {'model_prior': 'none'}),   # None: the library's default, 'uniform'
    ('fe-marg', {'model_prior': 'none', 'ratio_grid': GRID}),
])
def test_no_posterior(problem, criterion, kwargs):
    X, y, ds = problem
    with sparsemi.exhaustive_search(ds, criterion=criterion, **kwargs) as res:
        assert res.has_posterior is False
        assert res.log_evidence_total is None
        assert res.posterior_inclusion is None
        assert res.size_posterior is None
        assert res.dos_posterior is None
        assert res.model_average is None
        assert res.n_models == ALL   # the search itself ran


# -- the same bits for any thread count, shard split, and after save / load ---------------

def posterior_of(res):
    return (res.log_evidence_total, res.posterior_inclusion, res.size_posterior,
            res.dos_posterior)


def assert_same_posterior(a, b):
    assert a[0] == b[0]
    for x, z in zip(a[1:], b[1:]):
        np.testing.assert_array_equal(x, z)


@pytest.mark.parametrize('p, criterion, kwargs', [
    (P, 'fe-marg', {'ratio_grid': GRID, 'model_prior': 'bernoulli', 'prior_q': 0.3}),
    (12, 'fe-ng', {'normal_gamma': NG}),
    (12, 'fe', {}),
])
def test_threads_identical(p, criterion, kwargs):
    X, y = random_problem(n=40, p=p, seed=5)
    with sparsemi.Dataset(X, y) as ds:
        runs = []
        for threads in (1, 2, 3):
            with sparsemi.exhaustive_search(ds, criterion=criterion, threads=threads,
                                            bins=32, **kwargs) as res:
                runs.append(posterior_of(res))
                assert runs[-1][0] is not None
        for other in runs[1:]:
            assert_same_posterior(runs[0], other)


def test_shards_and_save_load_identical(problem, tmp_path):
    X, y, ds = problem
    kwargs = dict(criterion='fe-marg', ratio_grid=GRID, model_prior='bernoulli', prior_q=0.3)
    with sparsemi.exhaustive_search(ds, **kwargs) as whole:
        expected = posterior_of(whole)
        parts = [sparsemi.exhaustive_search(ds, shard=(i, 3), **kwargs) for i in range(3)]
        with sparsemi.merge_results(parts) as merged:
            assert_same_posterior(posterior_of(merged), expected)
        for part in parts:
            part.close()
        path = str(tmp_path / 'posterior.smi')
        whole.save(path)
    with sparsemi.load_result(path, ds) as loaded:
        assert_same_posterior(posterior_of(loaded), expected)


def test_posterior_arrays_read_only_and_kept_after_close(problem):
    X, y, ds = problem
    res = sparsemi.exhaustive_search(ds, criterion='fe-ng', normal_gamma=NG)
    inclusion = res.posterior_inclusion
    with pytest.raises(ValueError):
        inclusion[0] = 0.5
    res.close()
    assert res.posterior_inclusion is inclusion   # read before close: still readable
    with pytest.raises(ValueError):
        res.size_posterior   # not read before close: the result is closed


# -- the JSON of `sparsemi es` -------------------------------------------------------------

def cli_path():
    lib = os.environ.get('SPARSEMI_LIBRARY')
    if not lib:
        return None
    path = os.path.join(os.path.dirname(os.path.dirname(lib)), 'tools', 'sparsemi', 'sparsemi')
    return path if os.access(path, os.X_OK) else None


@pytest.mark.skipif(cli_path() is None, reason='no sparsemi CLI next to the library')
@pytest.mark.parametrize('args, kwargs', [
    (['--criterion', 'fe-ng', '--ng-prior', '0.8:2:0.5', '--max-size', '3'],
     {'criterion': 'fe-ng', 'normal_gamma': NG, 'max_size': 3}),
    (['--criterion', 'fe-marg', '--ratio-grid', '0.01:100:7', '--model-prior', 'bernoulli:0.3',
      '--keep', 'IP_B', '--top', '7'],
     {'criterion': 'fe-marg', 'ratio_grid': GRID, 'model_prior': 'bernoulli', 'prior_q': 0.3,
      'keep': ['IP_B'], 'top': 7}),
    (['--criterion', 'fe-opt', '--max-size', '2', '--model-prior', 'none'],
     {'criterion': 'fe-opt', 'max_size': 2, 'model_prior': 'none'}),
])
def test_to_json_equals_cli(tmp_path, args, kwargs):
    out = tmp_path / 'es.json'
    subprocess.run([cli_path(), 'es', OCTET, '--target', 'dE_RS_ZB', '--features',
                    ','.join(PRIMARIES), '--threads', '1', '--quiet', '--json', str(out)]
                   + args, check=True, stdout=subprocess.DEVNULL)
    cli = json.loads(out.read_text())
    with sparsemi.Dataset.from_csv(OCTET, target='dE_RS_ZB', features=PRIMARIES) as ds, \
            sparsemi.exhaustive_search(ds, **kwargs) as res:
        mine = json.loads(res.to_json())
    assert list(mine) == list(cli)   # the same keys in the same order
    for key in ('file', 'elapsed_s', 'threads'):
        del mine[key], cli[key]
    assert mine == cli


# -- bad input ---------------------------------------------------------------------------

def test_errors(problem):
    X, y, ds = problem
    es = sparsemi.exhaustive_search
    EINVAL = sparsemi.SMI_EINVAL
    with pytest.raises(ValueError):
        es(ds, criterion='fe-ng', model_prior='flat')
    with pytest.raises(ValueError):
        es(ds, criterion='fe-ng', model_prior=1)
    with pytest.raises(ValueError):
        es(ds, criterion='fe-ng', normal_gamma=(1.0, 2.0))
    with pytest.raises(ValueError):
        es(ds, criterion='fe-marg', ratio_grid=1e-2)
    raises(EINVAL, es, ds, criterion='bic', normal_gamma=NG)
    raises(EINVAL, es, ds, criterion='fe-opt', normal_gamma=NG)
    raises(EINVAL, es, ds, criterion='fe-ng', ratio_grid=GRID)
    raises(EINVAL, es, ds, criterion='fe', ratio_grid=GRID)
    raises(EINVAL, es, ds, criterion='fe-ng', alpha=1.0)
    raises(EINVAL, es, ds, criterion='fe-ng', normal_gamma=(1.0, -2.0, 0.5))
    raises(EINVAL, es, ds, criterion='fe-marg', ratio_grid=(1e-2, 1e2, 1))
    raises(EINVAL, es, ds, criterion='fe-marg', ratio_grid=(1e2, 1e-2, 7))
    raises(EINVAL, es, ds, criterion='fe-marg', ratio_grid=(0.0, 1e2, 7))
    raises(EINVAL, es, ds, criterion='fe-marg', ratio_grid=(1e-2, 1e2, 257))
    raises(EINVAL, es, ds, criterion='fe-marg', ratio_grid=(1e-2, 1e2, -3))
    raises(EINVAL, es, ds, criterion='fe-ng', model_prior='bernoulli', prior_q=1.0)
    raises(EINVAL, es, ds, criterion='fe-ng', model_prior='bernoulli', prior_q=0.0)
    raises(EINVAL, sparsemi.score_subset, ds, [0], criterion='bic', ratio_grid=GRID)
    raises(EINVAL, es, ds, criterion='bic', model_prior='bernoulli', prior_q=0.3)
    with pytest.raises(TypeError):
        es(ds, criterion='fe-marg', ratio_grid=(1e-2, 1e2, 7.5))
    assert sparsemi.exhaustive_search(ds, criterion='fe-marg', ratio_grid=(1e-2, 1e2, 2),
                                      max_size=1).n_models == P
