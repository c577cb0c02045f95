"""Exhaustive search (ES-K): every descriptor subset scored, ranked, and its density of states.

    result = sparsemi.exhaustive_search(ds, criterion='bic', max_size=3)
    result.models[0].features, result.best_by_size[2].rmse, result.dos.counts

A thin layer over smi_search_run (include/sparsemi.h, "Exhaustive search"): the keyword
arguments become an smi_search configuration, and the SearchResult owns the smi_search_result
and copies what is asked for out of it. score_subset scores one given subset with the
same definitions.
"""

import collections
import ctypes
import functools
import json
import math
import operator
import os
import signal
import threading
import time

import numpy as np

from . import _capi
from ._folds import fold_spec
from ._lib import Error, Handle, call, decode, encode, last_error, lib

__all__ = ['DOS', 'Model', 'ModelAverage', 'Rank', 'SearchResult', 'exhaustive_search',
           'load_result', 'merge_results', 'score_subset']

Model = collections.namedtuple(
    'Model', 'rank size features indices criterion intercept coefficients rmse')
Model.__doc__ = """One fitted model of a search.

rank: 1 for the best model, 2 for the next ... (None in best_by_size); size: the number of
features k; features: their names and indices: their indices into the data set (tuples,
ascending index); criterion: its score (smaller is better); intercept: the intercept
(None when the search fitted none); coefficients: dict feature name -> coefficient, in
the data's units; rmse: the training RMSE sqrt(RSS / n). Values come from a QR refit on
the original data."""

DOS = collections.namedtuple('DOS', 'edges counts below above')
DOS.__doc__ = """Density of states: the histogram of the criterion over every scored subset.

edges: B + 1 bin edges (float64 array); counts: B counts (uint64 array); below, above:
subsets scored outside the edges (only given bin_edges can leave any). counts.sum() +
below + above == n_models."""

ModelAverage = collections.namedtuple('ModelAverage', 'coefficients intercept mass exact')
ModelAverage.__doc__ = """The posterior mean of the coefficients (smi_search_result_model_average).

coefficients: dict feature name -> posterior mean coefficient (data units, every feature,
0 contributed by the models that leave it out); intercept: that of the intercept; mass:
the posterior mass averaged over (1 when exact); exact: whether every scored subset was
averaged (else only the kept top models, normalised by their mass)."""

Rank = collections.namedtuple('Rank', 'rank rank_lo rank_hi percentile')
Rank.__doc__ = """Where a criterion value falls among the subsets a search scored
(SearchResult.rank, smi_search_result_rank).

rank: 1 + the number of scored subsets with a strictly smaller value (a float: exact, and
then integral, when rank_lo == rank_hi, else interpolated within the value's DOS bin);
rank_lo, rank_hi: integer bounds; percentile: 100 rank / n_models (NaN when no subset was
scored)."""

_DOUBLE_P = ctypes.POINTER(ctypes.c_double)
_SIZE_P = ctypes.POINTER(ctypes.c_size_t)
_UINT64_P = ctypes.POINTER(ctypes.c_uint64)

# The library's defaults (smi_search_create), for what to_json reports.
_DEFAULT_ALPHA = 1.0   # smi_search_create's: alpha 1, beta 0 meaning 1 / var(y)
_DEFAULT_BETA = 0.0
_DEFAULT_NORMAL_GAMMA = (1.0, 1e-6, 1e-6)
_DEFAULT_RATIO_GRID = (1e-4, 1e4, 20)


def _dptr(array):
    return array.ctypes.data_as(_DOUBLE_P)


def _size_arg(value, what, minimum=0):
    """A Python integer for a size_t argument; Error SMI_EINVAL when out of range."""
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError('%s must be an integer, not %r' % (what, value)) from None
    if not minimum <= value < 2**63:
        raise Error(_capi.SMI_EINVAL, '%s = %d: must be at least %d' % (what, value, minimum))
    return value


def _criterion_code(criterion):
    """A criterion name ('rss', 'aic', 'bic', 'fe', 'cv', 'loo', 'fe-ng', 'fe-opt',
    'fe-marg') or SMI_CRIT_* value."""
    if isinstance(criterion, str):
        code = ctypes.c_int()
        call(lib.smi_criterion_from_name, encode(criterion), ctypes.byref(code))
        return code.value
    code = operator.index(criterion)
    if lib.smi_criterion_name(code) is None:
        raise Error(_capi.SMI_ENOTFOUND, 'unknown criterion %d' % code)
    return code


def _feature_indices(ds, features, what):
    """Feature names or indices (or one of them) -> a list of indices into ds."""
    if features is None:
        return []
    if isinstance(features, (str, bytes)) or np.ndim(features) == 0:
        features = [features]
    out = []
    for f in features:
        if isinstance(f, bytes):
            f = f.decode('utf-8')
        if isinstance(f, str):
            out.append(ds.index(f))
        else:
            out.append(_size_arg(f, what))
    return out


def _size_array(values):
    return (ctypes.c_size_t * max(len(values), 1))(*values)


class _Config:
    """An smi_search configuration, freed on exit."""

    def __init__(self):
        handle = ctypes.c_void_p()
        call(lib.smi_search_create, ctypes.byref(handle))
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        handle, self.handle = self.handle, None
        if handle:
            lib.smi_search_free(handle)

    def set(self, setter, *args):
        call(getattr(lib, 'smi_search_set_' + setter), self.handle, *args)

    def set_folds(self, spec):
        """The folds of the CV criterion (a FoldSpec; other criteria ignore them)."""
        spec.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, self.handle)


# The criteria whose search has a model posterior (smi_search_set_model_prior); those
# that take a normal-gamma prior (smi_search_set_normal_gamma: fe-marg uses a0 and b0,
# its lambda runs over the ratio grid) and those that take a ratio grid.
_FE_CRITERIA = frozenset([_capi.SMI_CRIT_FE, _capi.SMI_CRIT_FE_NG, _capi.SMI_CRIT_FE_OPT,
                          _capi.SMI_CRIT_FE_MARG])
_NG_CRITERIA = frozenset([_capi.SMI_CRIT_FE_NG, _capi.SMI_CRIT_FE_MARG])
_GRID_CRITERIA = frozenset([_capi.SMI_CRIT_FE_OPT, _capi.SMI_CRIT_FE_MARG])

_MODEL_PRIORS = {'none': _capi.SMI_MODEL_PRIOR_NONE,
                 'uniform': _capi.SMI_MODEL_PRIOR_UNIFORM,
                 'bernoulli': _capi.SMI_MODEL_PRIOR_BERNOULLI}
_MODEL_PRIOR_NAMES = {code: name for name, code in _MODEL_PRIORS.items()}


def _criterion_label(code):
    return decode(lib.smi_criterion_name(code))


def _tuple_arg(value, length, what, form):
    """A sequence of `length` values, or ValueError naming the expected form."""
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError('%s must be %s, not %r' % (what, form, value)) from None
    if len(values) != length:
        raise ValueError('%s must be %s, not %r' % (what, form, value))
    return values


def _model_prior_code(model_prior):
    """'none' (or None), 'uniform' or 'bernoulli' -> SMI_MODEL_PRIOR_*; ValueError else."""
    if model_prior is None:
        return _capi.SMI_MODEL_PRIOR_NONE
    if isinstance(model_prior, str) and model_prior in _MODEL_PRIORS:
        return _MODEL_PRIORS[model_prior]
    raise ValueError("model_prior must be 'uniform', 'bernoulli', 'none' or None, not %r"
                     % (model_prior,))


def _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma=None,
                     ratio_grid=None):
    """The settings shared by exhaustive_search and score_subset."""
    cfg.set('criterion', code)
    if alpha is not None or beta is not None:
        if code != _capi.SMI_CRIT_FE:
            raise Error(_capi.SMI_EINVAL, "alpha and beta apply to criterion 'fe' only, "
                        'not %r' % _criterion_label(code))
        cfg.set('fe_hyper', float(_DEFAULT_ALPHA if alpha is None else alpha),
                float(_DEFAULT_BETA if beta is None else beta))
    if normal_gamma is not None:
        lam, a0, b0 = _tuple_arg(normal_gamma, 3, 'normal_gamma', '(lambda, a0, b0)')
        if code not in _NG_CRITERIA:
            raise Error(_capi.SMI_EINVAL, "normal_gamma applies to criteria 'fe-ng' and "
                        "'fe-marg' only, not %r" % _criterion_label(code))
        cfg.set('normal_gamma', float(lam), float(a0), float(b0))
    if ratio_grid is not None:
        lo, hi, count = _tuple_arg(ratio_grid, 3, 'ratio_grid', '(lo, hi, count)')
        if code not in _GRID_CRITERIA:
            raise Error(_capi.SMI_EINVAL, "ratio_grid applies to criteria 'fe-opt' and "
                        "'fe-marg' only, not %r" % _criterion_label(code))
        cfg.set('ratio_grid', float(lo), float(hi), _size_arg(count, 'ratio_grid count'))
    cfg.set('intercept', 1 if intercept else 0)
    cfg.set('standardize', 1 if standardize else 0)


class _Progress:
    """The C progress callback: calls `progress(fraction)` and cancels the run (returns 1)
    when it raises, or when SIGINT arrives; `raise_pending()` then raises that exception.

    While the run lasts (in the main thread, with Python's default SIGINT handler), SIGINT
    is caught by a handler that only records it: Python runs signal handlers when the main
    thread next executes Python code, which during a search is this callback's first line,
    where an exception could not be caught and ctypes would print and drop it."""

    def __init__(self, progress):
        if progress is not None and not callable(progress):
            raise TypeError('progress must be a callable(fraction) or None')
        self.progress = progress
        self.error = None
        self.interrupted = False
        self.saved_handler = None
        # Keep this object alive for as long as the C library may call it.
        self.c_func = _capi.smi_progress_fn(self._call)

    def _call(self, user, fraction):
        if self.error is not None or self.interrupted:
            return 1
        try:
            if self.progress is not None:
                self.progress(fraction)
        except BaseException as exc:  # KeyboardInterrupt, SystemExit included
            self.error = exc
        return 1 if self.error is not None or self.interrupted else 0

    def _on_sigint(self, signum, frame):
        self.interrupted = True

    def __enter__(self):
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self.saved_handler = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc):
        if self.saved_handler is not None:
            signal.signal(signal.SIGINT, self.saved_handler)
            self.saved_handler = None

    def raise_pending(self):
        error, self.error = self.error, None
        if error is not None:
            try:
                raise error
            finally:
                error = None   # no reference cycle through the traceback
        if self.interrupted:
            raise KeyboardInterrupt


def exhaustive_search(ds, criterion='bic', folds=None, min_size=1, max_size=None, keep=None,
                      top=100, bins=64, bin_edges=None, alpha=None, beta=None, threads=1,
                      intercept=True, standardize=True, progress=None, fold_seed=None,
                      shard=None, checkpoint=None, checkpoint_interval=5.0,
                      normal_gamma=None, ratio_grid=None, model_prior='uniform',
                      prior_q=0.5):
    """Score every subset of ds's features with min_size <= k <= max_size (smi_search_run).

    criterion: 'rss', 'aic', 'bic', 'fe', 'cv', 'loo', 'fe-ng', 'fe-opt' or 'fe-marg' (or
    an SMI_CRIT_* value; the free energies are described in include/sparsemi.h);
    folds, fold_seed (for 'cv'): the folds of this run, set on its configuration (ds is
    only read, never changed). folds None: the file's fold column when ds was read with
    one (Dataset.folds), else 10 folds shuffled with seed 0 (the library's and `sparsemi
    es --criterion cv`'s default; 10 must not exceed n); fold_seed must then be None. An
    int K: K folds shuffled with fold_seed (None: seed 0, as `--folds K`; an integer in
    [0, 2**64); 'none': unshuffled, sample i in fold i % K, as `--fold-seed none`). An
    array: each sample's fold id (the distinct values, ascending, become the folds), with
    fold_seed None.
    min_size, max_size: model sizes, forced features included (max_size None: p).
    keep: features (names or indices) forced into every model.
    top: the number of best models kept and refitted. bins: at most that many DOS bins,
    of equal width (a power of two) placed on multiples of it; or bin_edges: explicit
    increasing edges, scores outside them counted as below or above. alpha, beta: the free
    energy's hyperparameters ('fe' only; defaults 1e-2, 1).
    normal_gamma: (lambda, a0, b0), the normal-gamma prior of 'fe-ng' (defaults 1, 1e-6,
    1e-6) and of 'fe-marg' (a0 and b0 only: its lambda runs over the ratio grid).
    ratio_grid: (lo, hi, count), the grid of ratios lambda = alpha / beta of 'fe-opt' and
    'fe-marg': count points log-spaced from lo to hi (default 1e-4 to 1e4, 20 points).
    model_prior: the prior over models of the posterior that the free-energy criteria
    accumulate (SearchResult.log_evidence_total, posterior_inclusion, ...): 'uniform'
    (every scored subset equally likely), 'bernoulli' (each free feature in with
    probability prior_q, renormalised over the size range) or 'none' / None (no posterior;
    a faster search). Other criteria have no posterior whatever it is.
    threads: 0 means every core; the result does not depend on it. intercept,
    standardize: on or off (standardisation matters for 'fe' only).
    progress: None or a callable(fraction); an exception it raises (KeyboardInterrupt
    included) cancels the search and propagates. Ctrl-C cancels the search too.
    shard: (index, count) scores only that shard of a fixed split of the search; the
    results of all shards of one count, merged by merge_results, equal the whole search.
    checkpoint: a file where the progress is saved every checkpoint_interval seconds; a
    search started again with the same data, settings and file resumes from it.

    Returns a SearchResult; raises sparsemi.Error (SMI_ENOTFOUND for an unknown
    criterion or feature name, SMI_EINVAL for a bad size range or setting, ...).
    """
    names, target, n = ds.names, ds.target, ds.n
    code = _criterion_code(criterion)
    keep_idx = _feature_indices(ds, keep, 'keep')
    min_size = _size_arg(min_size, 'min_size')
    max_arg = 0 if max_size is None else _size_arg(max_size, 'max_size', minimum=1)
    cv = code == _capi.SMI_CRIT_CV
    folds = fold_spec(ds, folds, fold_seed)
    prior_code = _model_prior_code(model_prior)
    bernoulli = prior_code == _capi.SMI_MODEL_PRIOR_BERNOULLI
    if bernoulli and code not in _FE_CRITERIA:
        raise Error(_capi.SMI_EINVAL, "model_prior 'bernoulli' applies to the free-energy "
                    "criteria only, not %r" % _criterion_label(code))
    # q matters to the Bernoulli prior only (the library checks 0 < q < 1 for it).
    prior_q = float(prior_q) if bernoulli else 0.5
    with _Config() as cfg, _Progress(progress) as prog:
        _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                         ratio_grid)
        cfg.set_folds(folds)
        cfg.set('model_prior', prior_code, prior_q)
        cfg.set('size_range', min_size, max_arg)
        if keep_idx:
            cfg.set('keep', _size_array(keep_idx), len(keep_idx))
        cfg.set('top', _size_arg(top, 'top', minimum=1))
        if bin_edges is not None:
            edges = np.ascontiguousarray(bin_edges, dtype=np.float64)
            if edges.ndim != 1:
                raise ValueError('bin_edges must be a 1-d array')
            cfg.set('bin_edges', _dptr(edges), edges.size)
        else:
            cfg.set('bins', _size_arg(bins, 'bins'))
        threads = _size_arg(threads, 'threads')
        cfg.set('threads', threads)
        if shard is not None:
            index, count = shard
            cfg.set('shard', _size_arg(index, 'shard index'),
                    _size_arg(count, 'shard count', minimum=1))
        if checkpoint is not None:
            cfg.set('checkpoint', os.fsencode(checkpoint), float(checkpoint_interval))
        cfg.set('progress', prog.c_func, None)

        handle = ctypes.c_void_p()
        start = time.perf_counter()
        status = lib.smi_search_run(ds._h, cfg.handle, ctypes.byref(handle))
        elapsed = time.perf_counter() - start
        message = last_error() if status < 0 else None
    try:
        prog.raise_pending()   # the callback's exception first: it caused SMI_ECANCELED
    except BaseException:
        if handle:
            lib.smi_search_result_free(handle)
        raise
    if status < 0:
        raise Error(status, message)
    fe = code == _capi.SMI_CRIT_FE
    ng = tuple(float(v) for v in (_DEFAULT_NORMAL_GAMMA if normal_gamma is None
                                  else normal_gamma))
    grid = tuple(_DEFAULT_RATIO_GRID if ratio_grid is None else ratio_grid)
    request = {
        'target': target, 'n_samples': n, 'names': names,
        'min_size': max(min_size, len(keep_idx)), 'keep': keep_idx,
        'fit_intercept': bool(intercept),
        'alpha': (float(_DEFAULT_ALPHA if alpha is None else alpha) if fe else None),
        'beta': (float(1.0 / ds.target_sd ** 2 if beta is None else beta) if fe else None),
        # The settings of the other free-energy criteria, where the criterion uses them
        # (fe-marg's lambda runs over the grid), as `sparsemi es --json` reports them.
        'ng_prior': ({'lambda': ng[0] if code == _capi.SMI_CRIT_FE_NG else None,
                      'a0': ng[1], 'b0': ng[2]} if code in _NG_CRITERIA else None),
        'ratio_grid': ({'lo': float(grid[0]), 'hi': float(grid[1]), 'n': int(grid[2])}
                       if code in _GRID_CRITERIA else None),
        'model_prior': ({'kind': _MODEL_PRIOR_NAMES[prior_code],
                         'q': prior_q if bernoulli else None}
                        if code in _FE_CRITERIA else None),
        'folds': folds.as_json() if cv else None,
        'shard': ({'count': int(shard[1]), 'indices': [int(shard[0])]}
                  if shard is not None and int(shard[1]) > 1 else None),
        'threads': threads or os.cpu_count() or 1, 'elapsed_s': elapsed,
    }
    return SearchResult._own(handle, request)


def load_result(path, ds, intercept=True):
    """A result saved by SearchResult.save (smi_search_result_load). ds: the data set searched,
    for the names (the library's file holds indices only); intercept: whether the search
    fitted one (no accessor says so). What the library does not report (min_size, keep,
    alpha, beta, ng_prior, ratio_grid, model_prior, folds, shard, threads, elapsed_s) is
    None."""
    handle = ctypes.c_void_p()
    call(lib.smi_search_result_load, ctypes.byref(handle), os.fsencode(path))
    p = lib.smi_search_result_p(handle)
    if p != ds.p:
        lib.smi_search_result_free(handle)
        raise Error(_capi.SMI_EINVAL, '%s holds a search over %d features, the data set has %d'
                    % (os.fsdecode(path), p, ds.p))
    request = dict(target=ds.target, n_samples=ds.n, names=ds.names, min_size=None,
                   keep=None, fit_intercept=bool(intercept), alpha=None, beta=None,
                   ng_prior=None, ratio_grid=None, model_prior=None,
                   folds=None, shard=None, threads=None, elapsed_s=None)
    return SearchResult._own(handle, request)


def merge_results(parts):
    """One result from the results of the shards of one search (smi_search_result_merge): counts
    and DOS summed, the top models and the best of each size as the whole search would
    have chosen them. Raises Error SMI_EINVAL when the parts do not belong together."""
    parts = list(parts)
    if not parts:
        raise Error(_capi.SMI_EINVAL, 'merge_results: no parts')
    handles = (ctypes.c_void_p * len(parts))(*[part._h.value for part in parts])
    handle = ctypes.c_void_p()
    call(lib.smi_search_result_merge, ctypes.byref(handle), handles, len(parts))
    request = dict(parts[0]._request)
    shards = [part._request.get('shard') for part in parts]
    if all(s is not None for s in shards) and len({s['count'] for s in shards}) == 1:
        indices = sorted({i for s in shards for i in s['indices']})
        count = shards[0]['count']
        request['shard'] = ({'count': count, 'indices': indices}
                            if len(indices) < count else None)
    known = [part._request['elapsed_s'] for part in parts]
    request['elapsed_s'] = None if None in known else sum(known)
    return SearchResult._own(handle, request)


def score_subset(ds, features, criterion='bic', folds=None, fold_seed=None, alpha=None,
                 beta=None, intercept=True, standardize=True, normal_gamma=None,
                 ratio_grid=None):
    """The criterion of one subset of features (names or indices), computed directly by
    QR with the definitions of exhaustive_search (smi_search_score_subset), normal_gamma and
    ratio_grid included, and the folds of 'cv' (folds and fold_seed as there: this run's
    own; ds is only read). Raises sparsemi.Error, SMI_ESINGULAR for a rank-deficient
    subset."""
    code = _criterion_code(criterion)
    subset = _feature_indices(ds, features, 'features')
    spec = fold_spec(ds, folds, fold_seed)
    value = ctypes.c_double()
    with _Config() as cfg:
        _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                         ratio_grid)
        cfg.set_folds(spec)
        call(lib.smi_search_score_subset, ds._h, cfg.handle, _size_array(subset), len(subset),
             ctypes.byref(value))
    return value.value


def _json_number(x):
    return float(x) if math.isfinite(x) else None   # as the CLI: NaN, inf -> null


class SearchResult(Handle):
    """The result of exhaustive_search (an smi_search_result, owned by this object).

    Attributes: criterion (its name), n_models (subsets scored), n_singular (skipped as
    singular), models (the top models, best first, a list of Model), best_by_size (dict
    size -> Model), dos (DOS), feature_frequency (dict name -> fraction of the top models
    using it), features (the data set's feature names), n_samples, n_features, target,
    min_size, max_size, elapsed_s; weight_diagram(), rank(value), to_json().
    The model posterior of a free-energy search (exhaustive_search's model_prior):
    has_posterior, log_evidence_total, posterior_inclusion, size_posterior, dos_posterior,
    model_average, each None when the result has none (another criterion, or model_prior
    'none').
    Free it with close() or a `with` block; otherwise it is freed when collected. What
    was read before close() stays readable.
    """

    _free_name = 'smi_search_result_free'
    _kind = 'SearchResult'

    def __init__(self):
        raise TypeError('SearchResult objects come from sparsemi.exhaustive_search')

    @classmethod
    def _own(cls, handle, request):
        self = cls.__new__(cls)
        self._handle = handle
        self._request = request
        return self

    def __repr__(self):
        if not self._handle:
            return '<sparsemi.SearchResult (closed)>'
        return '<sparsemi.SearchResult criterion=%r n_models=%d n_singular=%d top=%d>' % (
            self.criterion, self.n_models, self.n_singular, len(self.models))

    # -- what was searched -------------------------------------------------------

    @property
    def features(self):
        """The data set's feature names (p)."""
        return list(self._request['names'])

    @property
    def target(self):
        return self._request['target']

    @property
    def n_samples(self):
        return self._request['n_samples']

    @property
    def min_size(self):
        """The smallest model size searched (at least the number of forced features);
        None for a loaded result."""
        return self._request['min_size']

    @property
    def elapsed_s(self):
        """Wall time of smi_search_run in seconds."""
        return self._request['elapsed_s']

    @functools.cached_property
    def criterion(self):
        """The criterion's name: 'rss', 'aic', 'bic', 'fe', 'cv', 'loo', 'fe-ng', 'fe-opt'
        or 'fe-marg'."""
        return decode(lib.smi_criterion_name(lib.smi_search_result_criterion(self._h)))

    @functools.cached_property
    def n_features(self):
        """p, the number of features of the data set."""
        return lib.smi_search_result_p(self._h)

    @functools.cached_property
    def max_size(self):
        """The largest model size searched."""
        return lib.smi_search_result_max_size(self._h)

    # -- what was found ----------------------------------------------------------

    @functools.cached_property
    def n_models(self):
        """The number of subsets scored."""
        return lib.smi_search_result_n_models(self._h)

    @functools.cached_property
    def n_singular(self):
        """The number of subsets skipped as singular."""
        return lib.smi_search_result_n_singular(self._h)

    def _model(self, rank, size, indices, coefficients, criterion, intercept, rmse):
        names = self._request['names']
        idx = tuple(int(j) for j in indices[:size])
        return Model(rank=rank, size=size, features=tuple(names[j] for j in idx), indices=idx,
                     criterion=criterion,
                     intercept=intercept if self._request['fit_intercept'] else None,
                     coefficients={names[j]: float(c) for j, c in zip(idx, coefficients)},
                     rmse=rmse)

    @functools.cached_property
    def models(self):
        """The top models, best first: a list of Model with rank 1, 2, ..."""
        h, cap = self._h, max(self.max_size, 1)
        out = []
        features, coefs = (ctypes.c_size_t * cap)(), (ctypes.c_double * cap)()
        size = ctypes.c_size_t()
        crit, icpt, rmse = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        for rank in range(lib.smi_search_result_n_top(h)):
            call(lib.smi_search_result_model, h, rank, cap, features, coefs, ctypes.byref(size),
                 ctypes.byref(crit), ctypes.byref(icpt), ctypes.byref(rmse))
            k = size.value
            out.append(self._model(rank + 1, k, features[:k], coefs[:k], crit.value,
                                   icpt.value, rmse.value))
        return out

    @functools.cached_property
    def best_by_size(self):
        """dict size k -> the best Model with k features (rank None), for every size with
        a scored subset, in increasing size."""
        h, out = self._h, {}
        crit, icpt, rmse = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        for k in range(self.min_size or 0, self.max_size + 1):
            features, coefs = (ctypes.c_size_t * max(k, 1))(), (ctypes.c_double * max(k, 1))()
            status = lib.smi_search_result_best_of_size(h, k, k, features, coefs, ctypes.byref(crit),
                                                 ctypes.byref(icpt), ctypes.byref(rmse))
            if status == _capi.SMI_ENOTFOUND:
                continue
            if status < 0:
                raise Error(status, last_error())
            out[k] = self._model(None, k, features[:k], coefs[:k], crit.value, icpt.value,
                                 rmse.value)
        return out

    @functools.cached_property
    def dos(self):
        """The density of states of the criterion (DOS: edges, counts, below, above)."""
        h = self._h
        bins = lib.smi_search_result_n_bins(h)
        edges = np.empty(bins + 1, dtype=np.float64)
        counts = np.zeros(bins + 1, dtype=np.uint64)   # one capacity for both arrays
        below, above = ctypes.c_uint64(), ctypes.c_uint64()
        call(lib.smi_search_result_dos, h, bins + 1, _dptr(edges), counts.ctypes.data_as(_UINT64_P),
             ctypes.byref(below), ctypes.byref(above))
        counts = counts[:bins].copy()
        edges.flags.writeable = counts.flags.writeable = False
        return DOS(edges, counts, below.value, above.value)

    @functools.cached_property
    def feature_frequency(self):
        """dict feature name -> the fraction of the top models that use it (every feature)."""
        p = self.n_features
        freq = np.empty(max(p, 1))
        call(lib.smi_search_result_feature_frequency, self._h, p, _dptr(freq))
        return {name: float(f) for name, f in zip(self._request['names'], freq[:p])}

    # -- the model posterior (free-energy criteria) ---------------------------------

    def _posterior_array(self, func, count):
        """A read-only float64 array of `count` values from func(res, capacity, out); None
        when the result has no posterior (SMI_ENOTFOUND)."""
        out = np.zeros(max(count, 1))
        status = func(self._h, count, _dptr(out))
        if status == _capi.SMI_ENOTFOUND:
            return None
        if status < 0:
            raise Error(status, last_error())
        out = out[:count].copy()
        out.flags.writeable = False
        return out

    @functools.cached_property
    def log_evidence_total(self):
        """ln sum_S p(y | S) p(S) over the scored subsets, the evidence of the whole family
        of models (a float); None when the result has no posterior."""
        value = ctypes.c_double()
        status = lib.smi_search_result_log_evidence_total(self._h, ctypes.byref(value))
        if status == _capi.SMI_ENOTFOUND:
            return None
        if status < 0:
            raise Error(status, last_error())
        return value.value

    @property
    def has_posterior(self):
        """Whether the result holds a model posterior (a free-energy criterion searched
        with a model prior)."""
        return self.log_evidence_total is not None

    @functools.cached_property
    def posterior_inclusion(self):
        """Per feature (p values, the data set's order), the posterior probability that it
        is in the model (1 for forced features); None when the result has no posterior."""
        return self._posterior_array(lib.smi_search_result_posterior_inclusion, self.n_features)

    @functools.cached_property
    def size_posterior(self):
        """The posterior probability of each model size k = 0 .. max_size (max_size + 1
        values); None when the result has no posterior."""
        return self._posterior_array(lib.smi_search_result_size_posterior, self.max_size + 1)

    @functools.cached_property
    def dos_posterior(self):
        """The posterior mass of each DOS bin (as dos.counts; with given bin_edges the mass
        below and above them is left out); None when the result has no posterior."""
        return self._posterior_array(lib.smi_search_result_dos_posterior,
                                     lib.smi_search_result_n_bins(self._h))

    @functools.cached_property
    def model_average(self):
        """The model-averaged coefficients (ModelAverage); None when the result has no
        posterior."""
        p = self.n_features
        coef = np.zeros(max(p, 1))
        intercept, mass = ctypes.c_double(), ctypes.c_double()
        status = lib.smi_search_result_model_average(self._h, p, _dptr(coef), ctypes.byref(intercept),
                                              ctypes.byref(mass))
        if status == _capi.SMI_ENOTFOUND:
            return None
        if status < 0:
            raise Error(status, last_error())
        return ModelAverage({name: float(c) for name, c in zip(self._request['names'], coef)},
                            intercept.value, mass.value, mass.value == 1.0)

    def rank(self, value):
        """Where the criterion value `value` falls among the subsets scored (a Rank).

        Exact when the search kept every subset (top at least n_models) or the value is at
        most the worst kept model's; otherwise the DOS bounds it. A subset tied with the value
        to about 1e-12 relative may count on either side. Raises Error SMI_EINVAL for a value
        that is not finite."""
        rank, percentile = ctypes.c_double(), ctypes.c_double()
        lo, hi = ctypes.c_uint64(), ctypes.c_uint64()
        call(lib.smi_search_result_rank, self._h, float(value), ctypes.byref(rank), ctypes.byref(lo),
             ctypes.byref(hi), ctypes.byref(percentile))
        return Rank(rank.value, lo.value, hi.value, percentile.value)

    def weight_diagram(self):
        """A new float64 array, top models x features: model r's coefficient of feature j
        (data units), 0 where the model does not use it. Rows in the order of `models`."""
        h = self._h
        n_top, p = lib.smi_search_result_n_top(h), self.n_features
        out = np.zeros((n_top, p))
        if out.size:
            call(lib.smi_search_result_weight_diagram, h, out.size, _dptr(out))
        return out

    # -- saving ---------------------------------------------------------------------

    def save(self, path):
        """Write the result to `path` in the library's result format (smi_search_result_save),
        for load_result and merge_results. Feature names are not in it."""
        call(lib.smi_search_result_save, self._h, os.fsencode(path))

    # -- JSON ----------------------------------------------------------------------

    def _model_json(self, m):
        out = {}
        if m.rank is not None:
            out['rank'] = m.rank
        out.update(size=m.size, features=list(m.features), criterion=_json_number(m.criterion),
                   rmse=_json_number(m.rmse),
                   intercept=None if m.intercept is None else _json_number(m.intercept),
                   coefficients={k: _json_number(v) for k, v in m.coefficients.items()})
        return out

    def as_dict(self):
        """The result as plain Python data, with the keys of `sparsemi es --json`: the
        settings of a free-energy criterion (ng_prior, ratio_grid, model_prior) where the
        criterion uses them, and the model posterior (dos['posterior'], log_evidence_total,
        posterior_inclusion, size_posterior, model_average) where the result has one."""
        r, names = self._request, self._request['names']
        code = lib.smi_search_result_criterion(self._h)
        dos = self.dos
        out = {
            'command': 'es',
            'version': decode(lib.smi_version_string()),
            'file': None,
            'criterion': self.criterion,
            'n_samples': r['n_samples'],
            'n_features': self.n_features,
            'features': list(names),
            'target': r['target'],
            'fit_intercept': r['fit_intercept'],
            'min_size': r['min_size'],
            'max_size': self.max_size,
            'keep': None if r['keep'] is None else [names[j] for j in r['keep']],
            'alpha': r['alpha'],
            'beta': r['beta'],
        }
        for key, criteria in (('ng_prior', _NG_CRITERIA), ('ratio_grid', _GRID_CRITERIA),
                              ('model_prior', _FE_CRITERIA)):
            if code in criteria:
                value = r.get(key)
                out[key] = None if value is None else dict(value)
        out.update({
            'folds': None if r['folds'] is None else dict(r['folds']),
            'shard': None if r['shard'] is None else dict(r['shard']),
            'n_models': self.n_models,
            'n_singular': self.n_singular,
            'models': [self._model_json(m) for m in self.models],
            'best_by_size': [self._model_json(m) for m in self.best_by_size.values()],
            'dos': {'edges': [_json_number(e) for e in dos.edges],
                    'counts': [int(c) for c in dos.counts],
                    'below': dos.below, 'above': dos.above},
            'feature_frequency': {k: _json_number(v) for k, v in self.feature_frequency.items()},
        })
        if self.has_posterior:
            out['dos']['posterior'] = [_json_number(m) for m in self.dos_posterior]
            out['log_evidence_total'] = _json_number(self.log_evidence_total)
            out['posterior_inclusion'] = {name: _json_number(v) for name, v
                                          in zip(names, self.posterior_inclusion)}
            out['size_posterior'] = [_json_number(v) for v in self.size_posterior]
            avg = self.model_average
            out['model_average'] = {
                'intercept': _json_number(avg.intercept),
                'coefficients': {k: _json_number(v) for k, v in avg.coefficients.items()},
                'mass': _json_number(avg.mass), 'exact': avg.exact}
        out['elapsed_s'] = r['elapsed_s']
        out['threads'] = r['threads']
        return out

    def to_json(self, indent=None):
        """The result as a JSON string with the keys and layout of `sparsemi es --json`
        ('file' is null; non-finite numbers are null)."""
        return json.dumps(self.as_dict(), indent=indent, allow_nan=False)
