"""sparsemi.remc against the exhaustive search on the same data and bins, as a user calls
it: the DOS within 0.1 in ln (bins holding >= 1e-4 of the models), its normalisation to the
exact number of subsets, the best model, the same result for any thread count."""
import numpy as np
import pytest

import sparsemi


def make_data(n=50, p=12, seed=5):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-0.5, 0.5, size=(n, p))
    y = X[:, 0] - 2.0 * X[:, 3] + 0.5 * X[:, 7] + 0.2 * rng.uniform(-0.5, 0.5, size=n)
    return sparsemi.Dataset(X, y)


def test_dos_matches_the_exhaustive_search():
    ds = make_data()
    ex = sparsemi.exhaustive_search(ds, criterion='bic', bins=24)
    res = sparsemi.remc(ds, criterion='bic', bin_edges=ex.dos.edges, threads=2)
    assert res.n_states == 2 ** 12 - 1
    counts = np.asarray(ex.dos.counts, dtype=float)
    assert np.sum(res.dos_counts) == pytest.approx(res.n_states, rel=1e-12)
    big = counts >= 1e-4 * counts.sum()
    assert np.max(np.abs(res.dos_log_counts[big] - np.log(counts[big]))) <= 0.1
    value, features = res.models[0]
    assert features == list(ex.models[0].features)
    assert value == pytest.approx(ex.models[0].criterion, rel=1e-12)
    assert len(res.ladder) == 16 and res.ladder[0] == 0.0
    assert res.trace.shape == (16, 22000)
    assert res.posterior_inclusion is None  # BIC: no posterior


def test_same_result_for_any_thread_count():
    ds = make_data(p=10)
    a = sparsemi.remc(ds, sweeps=200, burn_in=20, threads=1, seed=7)
    b = sparsemi.remc(ds, sweeps=200, burn_in=20, threads=3, seed=7)
    assert np.array_equal(a.dos_log_counts, b.dos_log_counts)
    assert np.array_equal(a.trace, b.trace)
    c = sparsemi.remc(ds, sweeps=200, burn_in=20, threads=1, seed=8)
    assert not np.array_equal(a.trace, c.trace)


def test_tuned_ladder_keeps_its_ends():
    ds = make_data(p=10)
    res = sparsemi.remc(ds, sweeps=400, burn_in=400, tune=True)
    assert res.ladder[0] == 0.0 and res.ladder[-1] == 1.0
    assert np.all(np.diff(res.ladder) > 0)
    plain = sparsemi.remc(ds, sweeps=400, burn_in=400)
    assert not np.array_equal(res.ladder, plain.ladder)


def test_fixed_size_and_errors():
    ds = make_data(p=10)
    res = sparsemi.remc(ds, size=3, sweeps=400, burn_in=40)
    assert res.n_states == 120
    with pytest.raises(sparsemi.Error):
        sparsemi.remc(ds, criterion='nonsense')
    with pytest.raises(sparsemi.Error):
        sparsemi.remc(ds, ladder=[0.0, 1.0, 0.5])


def test_cv_and_loo_match_the_exhaustive_search():
    ds = make_data(p=10)
    for criterion, kw in (('cv', {'folds': 5, 'fold_seed': 3}), ('loo', {})):
        ex = sparsemi.exhaustive_search(ds, criterion=criterion, bins=16, **kw)
        res = sparsemi.remc(ds, criterion=criterion, bin_edges=ex.dos.edges, sweeps=5000,
                            burn_in=500, **kw)
        counts = np.asarray(ex.dos.counts, dtype=float)
        big = counts >= 1e-4 * counts.sum()
        assert np.max(np.abs(res.dos_log_counts[big] - np.log(counts[big]))) <= 0.1, criterion
        assert res.models[0][1] == list(ex.models[0].features)
        assert res.models[0][0] == pytest.approx(ex.models[0].criterion, rel=1e-12)
