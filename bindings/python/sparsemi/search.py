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
import os
import time

import numpy as np

from . import _capi
from ._common import (UINT64_P, Config, DataResult, Handle, Progress, call, criterion_code,
                      criterion_label, criterion_name, criterion_uses, data_id, dataset_arg,
                      decode, double_array, dptr, feature_indices, invalid, named,
                      null, path_arg, same_data, size_arg, size_array, tuple_arg)
from ._folds import fold_spec
from ._lib import lib

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

_MODEL_PRIORS = {'none': _capi.SMI_MODEL_PRIOR_NONE,
                 'uniform': _capi.SMI_MODEL_PRIOR_UNIFORM,
                 'bernoulli': _capi.SMI_MODEL_PRIOR_BERNOULLI}
_MODEL_PRIOR_NAMES = {code: name for name, code in _MODEL_PRIORS.items()}


def _criteria_with(flag):
    """The names of the criteria with the SMI_CRITERION_* property `flag`, for messages."""
    names, code = [], 0
    while lib.smi_criterion_name(code) is not None:
        if criterion_uses(code, flag):
            names.append(repr(criterion_name(code)))
        code += 1
    return ' or '.join(', '.join(names).rsplit(', ', 1)) if names else 'none'


def _applies(code, flag, what):
    """InvalidArgument unless criterion `code` uses the setting `what` (its flag)."""
    if not criterion_uses(code, flag):
        raise invalid('%s: used by criterion %s only, not by %r'
                      % (what, _criteria_with(flag), criterion_name(code)))


_GRID_PRIORS = {'inverse': _capi.SMI_GRID_PRIOR_INVERSE,
                'uniform': _capi.SMI_GRID_PRIOR_UNIFORM,
                'gamma': _capi.SMI_GRID_PRIOR_GAMMA}
_GRID_PRIOR_NAMES = {code: name for name, code in _GRID_PRIORS.items()}


def _configure_sigma_grid(cfg, code, sigma_noise_grid, sigma_coef_grid, grid_prior,
                          intercept_term):
    """The settings of 'fe-grid' (None leaves the library's default)."""
    for value, name in ((sigma_noise_grid, 'sigma_noise_grid'),
                        (sigma_coef_grid, 'sigma_coef_grid')):
        if value is not None:
            lo, hi, count = tuple_arg(value, 3, name, '(lo, hi, count)')
            _applies(code, _capi.SMI_CRITERION_SIGMA_GRID, name)
            cfg.set(name, float(lo), float(hi), size_arg(count, name + ' count'))
    if grid_prior is not None:
        _applies(code, _capi.SMI_CRITERION_SIGMA_GRID, 'grid_prior')
        if isinstance(grid_prior, str) and grid_prior in ('inverse', 'uniform'):
            cfg.set('grid_prior', _GRID_PRIORS[grid_prior], 0.0, 0.0)
        elif (isinstance(grid_prior, (tuple, list)) and len(grid_prior) == 3
              and grid_prior[0] == 'gamma'):
            cfg.set('grid_prior', _capi.SMI_GRID_PRIOR_GAMMA, float(grid_prior[1]),
                    float(grid_prior[2]))
        else:
            raise ValueError("grid_prior must be 'inverse', 'uniform' or ('gamma', shape, "
                             "scale), not %r" % (grid_prior,))
    if intercept_term is not None:
        _applies(code, _capi.SMI_CRITERION_SIGMA_GRID, 'intercept_term')
        cfg.set('intercept_term', 1 if intercept_term else 0)


def _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma=None,
                     ratio_grid=None, sigma=(None, None, None, None)):
    """The criterion settings shared by exhaustive_search, score_subset, remc, the paths'
    supports and vma, on a Config('search'); None leaves the library's default. sigma:
    fe-grid's (sigma_noise_grid, sigma_coef_grid, grid_prior, intercept_term)."""
    cfg.set('criterion', code)
    _configure_sigma_grid(cfg, code, *sigma)
    if alpha is not None or beta is not None:
        _applies(code, _capi.SMI_CRITERION_FE_HYPER, 'alpha and beta')
        lib_alpha, lib_beta = cfg.get('fe_hyper', ctypes.c_double, ctypes.c_double)
        cfg.set('fe_hyper', float(lib_alpha if alpha is None else alpha),
                float(lib_beta if beta is None else beta))
    if normal_gamma is not None:
        lam, a0, b0 = tuple_arg(normal_gamma, 3, 'normal_gamma', '(lambda, a0, b0)')
        _applies(code, _capi.SMI_CRITERION_NG_PRIOR, 'normal_gamma')
        cfg.set('normal_gamma', float(lam), float(a0), float(b0))
    if ratio_grid is not None:
        lo, hi, count = tuple_arg(ratio_grid, 3, 'ratio_grid', '(lo, hi, count)')
        _applies(code, _capi.SMI_CRITERION_RATIO_GRID, 'ratio_grid')
        cfg.set('ratio_grid', float(lo), float(hi), size_arg(count, 'ratio_grid count'))
    if intercept is not None:
        cfg.set('intercept', 1 if intercept else 0)
    if standardize is not None:
        cfg.set('standardize', 1 if standardize else 0)


def _configure_space(cfg, ds, min_size, max_size, keep, top, bins, bin_edges):
    """The subsets and what is kept of them (exhaustive_search, remc); None leaves the
    library's default. Returns the forced features' indices."""
    keep_idx = feature_indices(ds, keep, 'keep')
    if min_size is not None or max_size is not None:
        lib_min, lib_max = cfg.get('size_range', ctypes.c_size_t, ctypes.c_size_t)
        cfg.set('size_range', lib_min if min_size is None else size_arg(min_size, 'min_size'),
                lib_max if max_size is None else size_arg(max_size, 'max_size', minimum=1))
    if keep_idx:
        cfg.set('keep', size_array(keep_idx), len(keep_idx))
    if top is not None:
        cfg.set('top', size_arg(top, 'top', minimum=1))
    if bin_edges is not None:
        edges = double_array(bin_edges, 'bin_edges')
        cfg.set('bin_edges', dptr(edges), edges.size)
    elif bins is not None:
        cfg.set('bins', size_arg(bins, 'bins'))
    return keep_idx


def _model_prior_code(model_prior):
    """None (the library's default), 'none', 'uniform' or 'bernoulli' -> SMI_MODEL_PRIOR_*
    or None; ValueError else."""
    if model_prior is None or (isinstance(model_prior, str) and model_prior in _MODEL_PRIORS):
        return None if model_prior is None else _MODEL_PRIORS[model_prior]
    raise ValueError("model_prior must be 'uniform', 'bernoulli', 'none' or None (the "
                     "library's default), not %r" % (model_prior,))


def exhaustive_search(ds, criterion=None, folds=None, min_size=None, max_size=None, keep=None,
                      top=None, bins=None, bin_edges=None, alpha=None, beta=None, threads=None,
                      intercept=None, standardize=None, progress=None, fold_seed=None,
                      shard=None, checkpoint=None, checkpoint_interval=5.0,
                      normal_gamma=None, ratio_grid=None, model_prior=None, prior_q=None,
                      sigma_noise_grid=None, sigma_coef_grid=None, grid_prior=None,
                      intercept_term=None, max_time=None):
    """Score every subset of ds's features with min_size <= k <= max_size (smi_search_run).

    Every setting left None is the library's default (smi_search_create, also the CLI's):
    criterion BIC, sizes 1 to p, top 100 models, 64 DOS bins, every core, intercept and
    standardisation on, fe's alpha 1 and beta 1 / var(y), 10 folds shuffled with seed 0
    for 'cv', the uniform model prior; sparsemi.SearchResult.config of a result, or the
    library's header, lists them.
    criterion: 'rss', 'aic', 'bic', 'fe', 'cv', 'loo', 'fe-ng', 'fe-opt', 'fe-marg' or
    'fe-grid' (or an SMI_CRIT_* value; the free energies are described in
    include/sparsemi.h);
    folds, fold_seed (for 'cv'): the folds of this run, set on its configuration (ds is
    only read, never changed). folds None: the file's fold column when ds was read with
    one (Dataset.folds), else the library's default (10 must not exceed n); fold_seed
    must then be None. An int K: K folds shuffled with fold_seed (None: the library's
    seed, as `--folds K`; an integer in [0, 2**64); 'none': unshuffled, sample i in fold
    i % K, as `--fold-seed none`). An array: each sample's fold id (the distinct values,
    ascending, become the folds), with fold_seed None.
    min_size, max_size: model sizes, forced features included (max_size None: p).
    keep: features (names or indices) forced into every model.
    top: the number of best models kept and refitted. bins: at most that many DOS bins,
    of equal width (a power of two) placed on multiples of it; or bin_edges: explicit
    increasing edges, scores outside them counted as below or above. alpha, beta: the free
    energy's hyperparameters ('fe' only; giving one keeps the library's other).
    normal_gamma: (lambda, a0, b0), the normal-gamma prior of 'fe-ng' and of 'fe-marg'
    (a0 and b0 only: its lambda runs over the ratio grid).
    ratio_grid: (lo, hi, count), the grid of ratios lambda = alpha / beta of 'fe-opt' and
    'fe-marg': count points log-spaced from lo to hi.
    sigma_noise_grid, sigma_coef_grid: (lo, hi, count), the grids of 'fe-grid' (the evidence
    integrated over the noise and coefficient standard deviations as the exhbma package
    does): count points log-spaced from lo to hi, in the units of centred y and
    standardised features. grid_prior: their prior, 'inverse' (the library's default),
    'uniform' or ('gamma', shape, scale). intercept_term: True adds exhbma's
    1/2 ln(sn^2 / (n var(y) + sn^2)). With min_size=0 the null model is scored too.
    model_prior: the prior over models of the posterior that the free-energy criteria
    accumulate (SearchResult.log_evidence_total, posterior_inclusion, ...): 'uniform'
    (every scored subset equally likely, the library's default), 'bernoulli' (each free
    feature in with probability prior_q, renormalised over the size range) or 'none' (no
    posterior; a faster search). Other criteria have no posterior whatever it is.
    max_time: seconds; a search estimated (from a timed sample of its own work) to take
    longer is refused before it starts, with the estimate in the message (sparsemi.Error,
    SMI_ETOOLARGE). None: the library's default of one day; 0 or math.inf: no limit.
    threads: 0 means every core; the result does not depend on it. intercept,
    standardize: on or off (standardisation matters for the free energies only).
    progress: None or a callable(fraction); an exception it raises (KeyboardInterrupt
    included) cancels the search and propagates. Ctrl-C cancels the search too.
    shard: (index, count) scores only that shard of a fixed split of the search; the
    results of all shards of one count, merged by merge_results, equal the whole search.
    checkpoint: a file where the progress is saved every checkpoint_interval seconds (5,
    as the CLI's --checkpoint-interval); a search started again with the same data,
    settings and file resumes from it.

    Returns a SearchResult. Raises TypeError or ValueError for an argument of the wrong
    type or value; sparsemi.Error for what the library refuses (InvalidArgument, also a
    ValueError and a TypeError, for SMI_EINVAL: a bad size range or setting; NotFound for
    an unknown criterion or feature name).
    """
    dataset_arg(ds)
    code = None if criterion is None else criterion_code(criterion)
    folds = fold_spec(ds, folds, fold_seed)
    prior_code = _model_prior_code(model_prior)
    with Config('search') as cfg, Progress(progress) as prog:
        if code is None:
            code = cfg.get('criterion', ctypes.c_int)
        _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                         ratio_grid, (sigma_noise_grid, sigma_coef_grid, grid_prior,
                                      intercept_term))
        folds.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, cfg.handle)
        if prior_code == _capi.SMI_MODEL_PRIOR_BERNOULLI:
            _applies(code, _capi.SMI_CRITERION_FREE_ENERGY, "model_prior 'bernoulli'")
            lib_q = cfg.get('model_prior', ctypes.c_int, ctypes.c_double)[1]
            cfg.set('model_prior', prior_code, lib_q if prior_q is None else float(prior_q))
        elif prior_code is not None:
            cfg.set('model_prior', prior_code, cfg.get('model_prior', ctypes.c_int,
                                                      ctypes.c_double)[1])
        _configure_space(cfg, ds, min_size, max_size, keep, top, bins, bin_edges)
        if threads is not None:
            cfg.set('threads', size_arg(threads, 'threads'))
        if max_time is not None:
            cfg.set('max_time', float(max_time))
        if shard is not None:
            index, count = tuple_arg(shard, 2, 'shard', '(index, count)')
            cfg.set('shard', size_arg(index, 'shard index'),
                    size_arg(count, 'shard count', minimum=1))
        if checkpoint is not None:
            cfg.set('checkpoint', path_arg(checkpoint, 'checkpoint'), float(checkpoint_interval))
        cfg.set('progress', prog.c_func, None)
        handle = null('search_result')
        start = time.perf_counter()
        prog.run(lib.smi_search_run, ds._h, cfg.handle, ctypes.byref(handle),
                 free=lib.smi_search_result_free)
        elapsed = time.perf_counter() - start
    extra = {'elapsed_s': elapsed, 'fold_column': folds.column,
             'target_sd': ds.target_sd}
    return SearchResult._own(handle, extra)


def load_result(path, ds=None, intercept=None):
    """A result saved by SearchResult.save (smi_search_result_load). The file alone is
    enough: it holds the feature and target names, the identity of the data (n, p,
    fingerprint) and the search's configuration (SearchResult.data, .config).
    ds (optional): the data set searched; an InvalidArgument (a sparsemi.Error, also a
    ValueError) when the result is of other data (SearchResult.matches). intercept:
    ignored unless given, then it must be what the search used.
    A file that is not a result, is damaged, or has another format version raises
    sparsemi.Error (SMI_EPARSE, naming the line or the version); a missing one SMI_EIO.
    Only elapsed_s (None) and, for the cv criterion, the name of a file's fold column are
    not in the file."""
    handle = null('search_result')
    call(lib.smi_search_result_load, ctypes.byref(handle), path_arg(path))
    res = SearchResult._own(handle, {'elapsed_s': None, 'fold_column': None,
                                     'target_sd': None})
    if ds is not None:
        res._require(ds, 'load_result(%r)' % os.fsdecode(path))
        res._extra['target_sd'] = ds.target_sd
    if intercept is not None and bool(intercept) != res.fit_intercept:
        raise invalid('load_result: intercept=%r, but the search %s one'
                      % (intercept, 'fitted' if res.fit_intercept else 'fitted no'))
    return res


def merge_results(parts):
    """One result from the results of the shards of one search (smi_search_result_merge): counts
    and DOS summed, the top models and the best of each size as the whole search would
    have chosen them. Raises InvalidArgument (sparsemi.Error SMI_EINVAL) when the parts do
    not belong together, TypeError for a part that is no SearchResult."""
    parts = list(parts)
    if not parts:
        raise invalid('merge_results: no parts')
    for part in parts:
        if not isinstance(part, SearchResult):
            raise TypeError('merge_results: parts must be SearchResult objects, not %s'
                            % type(part).__name__)
    handle_t = ctypes.POINTER(_capi.smi_search_result)
    handles = (handle_t * len(parts))(*[part._h for part in parts])
    handle = null('search_result')
    call(lib.smi_search_result_merge, ctypes.byref(handle), handles, len(parts))
    known = [part._extra['elapsed_s'] for part in parts]
    indices = sorted({i for part in parts for i in part._shard[0]})
    extra = dict(parts[0]._extra, elapsed_s=None if None in known else sum(known),
                 shard=(indices, parts[0]._shard[1]))
    return SearchResult._own(handle, extra)


def score_subset(ds, features, criterion=None, folds=None, fold_seed=None, alpha=None,
                 beta=None, intercept=None, standardize=None, normal_gamma=None,
                 ratio_grid=None, sigma_noise_grid=None, sigma_coef_grid=None,
                 grid_prior=None, intercept_term=None):
    """The criterion of one subset of features (names or indices), computed directly by
    QR with the definitions of exhaustive_search (smi_search_score_subset), normal_gamma,
    ratio_grid and fe-grid's settings included, and the folds of 'cv' (folds and fold_seed as there: this run's
    own; ds is only read). Settings left None are the library's defaults, as there.
    Raises sparsemi.Error, SMI_ESINGULAR for a rank-deficient subset."""
    dataset_arg(ds)
    subset = feature_indices(ds, features, 'features')
    spec = fold_spec(ds, folds, fold_seed)
    value = ctypes.c_double()
    with Config('search') as cfg:
        code = (cfg.get('criterion', ctypes.c_int) if criterion is None
                else criterion_code(criterion))
        _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                         ratio_grid, (sigma_noise_grid, sigma_coef_grid, grid_prior,
                                      intercept_term))
        spec.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, cfg.handle)
        call(lib.smi_search_score_subset, ds._h, cfg.handle, size_array(subset), len(subset),
             ctypes.byref(value))
    return value.value


def _json_number(x):
    return float(x) if math.isfinite(x) else None   # as the CLI: NaN, inf -> null


class SearchResult(Handle, DataResult):
    """The result of exhaustive_search (an smi_search_result, owned by this object).

    Attributes: criterion (its name), criterion_label (what its values are, e.g. 'CV mean
    squared error'), n_models (subsets scored), n_singular (skipped as singular), n_nonfinite (skipped: criterion not finite), models
    (the top models, best first, a list of Model), best_by_size (dict size -> Model), dos
    (DOS), feature_frequency (dict name -> fraction of the top models using it), features
    (the data set's feature names), n_samples, n_features, target, min_size, max_size,
    keep, fit_intercept, elapsed_s; for fe-opt and fe-marg quadrature_error and
    grid_edge_models, and caveat ('' when none); data (the DataId of the data searched)
    and config (the search's settings, a dict) as the result itself holds them, so a
    loaded result has them too; matches(ds), weight_diagram(), rank(value), to_json().
    The model posterior of a free-energy search (exhaustive_search's model_prior):
    has_posterior, log_evidence_total, posterior_inclusion, size_posterior, dos_posterior,
    model_average, each None when the result has none (another criterion, or model_prior
    'none').
    Free it with close() or a `with` block; otherwise it is freed when collected. What
    was read before close() stays readable.
    """

    _free_name = 'smi_search_result_free'
    _kind = 'SearchResult'
    _made_by = 'sparsemi.exhaustive_search, load_result and merge_results'

    @classmethod
    def _own(cls, handle, extra):
        self = cls.__new__(cls)
        self._handle = handle
        self._extra = extra
        self.data, self.config, self.criterion   # read now: readable after close()
        return self

    def __repr__(self):
        if not self._handle:
            return '<sparsemi.SearchResult (closed)>'
        return '<sparsemi.SearchResult criterion=%r n_models=%d n_singular=%d top=%d>' % (
            self.criterion, self.n_models, self.n_singular, len(self.models))

    # -- what was searched -------------------------------------------------------

    @functools.cached_property
    def data(self):
        """The identity of the data searched (a DataId: n, p, features, target,
        fingerprint; smi_search_result_data)."""
        ident = data_id(lib.smi_search_result_data(self._h))
        if ident is None:
            raise invalid('the result holds no identity of its data')
        return ident

    @functools.cached_property
    def config(self):
        """The settings of the search that made the result (smi_search_result_config), as
        a dict: criterion, min_size, max_size (0: p), keep (indices), top, bins,
        bin_edges (None for bins of equal width), threads (0: every core), intercept,
        standardize, fe_hyper (alpha, beta; beta 0 meaning 1 / var(y)), normal_gamma
        (lambda, a0, b0), ratio_grid (lo, hi, count), sigma_noise_grid and sigma_coef_grid
        (lo, hi, count), grid_prior (name, shape, scale), intercept_term, model_prior (name, q), folds (k,
        shuffle, seed), fold_ids (None for K-fold), shard (index, count)."""
        ptr = lib.smi_search_result_config(self._h)
        if not ptr:
            raise invalid('the result holds no configuration')
        cfg = Config.view('search', ptr)
        c_int, c_size, c_double = ctypes.c_int, ctypes.c_size_t, ctypes.c_double
        min_size, max_size = cfg.get('size_range', c_size, c_size)
        edges = cfg.get_array('bin_edges', c_double)
        ids = cfg.get_array('fold_ids', c_int)
        prior, q = cfg.get('model_prior', c_int, c_double)
        k, shuffle, seed = cfg.get('folds', c_size, c_int, ctypes.c_uint64)
        return {
            'criterion': criterion_name(cfg.get('criterion', c_int)),
            'min_size': min_size, 'max_size': max_size,
            'keep': tuple(cfg.get_array('keep', c_size)),
            'top': cfg.get('top', c_size), 'bins': cfg.get('bins', c_size),
            'bin_edges': tuple(edges) if edges else None,
            'threads': cfg.get('threads', c_size),
            'intercept': bool(cfg.get('intercept', c_int)),
            'standardize': bool(cfg.get('standardize', c_int)),
            'fe_hyper': cfg.get('fe_hyper', c_double, c_double),
            'normal_gamma': cfg.get('normal_gamma', c_double, c_double, c_double),
            'ratio_grid': cfg.get('ratio_grid', c_double, c_double, c_size),
            'sigma_noise_grid': cfg.get('sigma_noise_grid', c_double, c_double, c_size),
            'sigma_coef_grid': cfg.get('sigma_coef_grid', c_double, c_double, c_size),
            'grid_prior': (lambda k, a, b: (_GRID_PRIOR_NAMES.get(k, k), a, b))(
                *cfg.get('grid_prior', c_int, c_double, c_double)),
            'intercept_term': bool(cfg.get('intercept_term', c_int)),
            'model_prior': (_MODEL_PRIOR_NAMES.get(prior, prior), q),
            'folds': (k, bool(shuffle), seed),
            'fold_ids': tuple(ids) if ids else None,
            'shard': cfg.get('shard', c_size, c_size),
        }

    @property
    def features(self):
        """The data set's feature names (p)."""
        return list(self.data.features)

    @property
    def target(self):
        return self.data.target

    @property
    def n_samples(self):
        return self.data.n

    @property
    def fit_intercept(self):
        """Whether the search fitted an intercept."""
        return self.config['intercept']

    @property
    def keep(self):
        """The names of the features forced into every model (a tuple)."""
        return tuple(self.data.features[j] for j in self.config['keep'])

    @property
    def min_size(self):
        """The smallest model size searched (at least the number of forced features)."""
        return max(self.config['min_size'], len(self.config['keep']))

    @property
    def elapsed_s(self):
        """Wall time of smi_search_run in seconds (None for a loaded result)."""
        return self._extra['elapsed_s']

    @functools.cached_property
    def criterion(self):
        """The criterion's name: 'rss', 'aic', 'bic', 'fe', 'cv', 'loo', 'fe-ng', 'fe-opt'
        or 'fe-marg'."""
        return criterion_name(lib.smi_search_result_criterion(self._h))

    @functools.cached_property
    def criterion_label(self):
        """What the criterion's values are, for a table or an axis (smi_criterion_label),
        e.g. 'BIC' or 'CV mean squared error'."""
        return criterion_label(lib.smi_search_result_criterion(self._h))

    @functools.cached_property
    def n_features(self):
        """p, the number of features of the data set."""
        return lib.smi_search_result_p(self._h)

    @functools.cached_property
    def max_size(self):
        """The largest model size searched."""
        return lib.smi_search_result_max_size(self._h)

    def matches(self, ds):
        """Whether ds is the data set this result was computed on (smi_data_id_matches:
        the same n, p and fingerprint of values and names)."""
        dataset_arg(ds)
        if not self._handle:
            return same_data(self.data, ds)
        return bool(lib.smi_data_id_matches(lib.smi_search_result_data(self._h), ds._h))

    @property
    def _shard(self):
        """(the shard indices this result covers, their count): a merged result keeps
        those of its parts."""
        index, count = self.config['shard']
        return self._extra.get('shard', ([index], count))

    # -- what was found ----------------------------------------------------------

    @functools.cached_property
    def n_models(self):
        """The number of subsets scored."""
        return lib.smi_search_result_n_models(self._h)

    @functools.cached_property
    def n_singular(self):
        """The number of subsets skipped as singular."""
        return lib.smi_search_result_n_singular(self._h)

    @functools.cached_property
    def n_nonfinite(self):
        """The number of subsets skipped because their criterion is not finite."""
        return lib.smi_search_result_n_nonfinite(self._h)

    @functools.cached_property
    def quadrature_error(self):
        """fe-opt, fe-marg: the ratio grid's error estimate of F, the largest over the top
        models (smi_search_result_quadrature_error); None for the other criteria or when
        not recorded."""
        return _json_number(lib.smi_search_result_quadrature_error(self._h))

    @functools.cached_property
    def grid_edge_models(self):
        """fe-opt, fe-marg: how many top models sit at an end of the ratio grid."""
        return int(lib.smi_search_result_grid_edge_models(self._h))

    @functools.cached_property
    def caveat(self):
        """The result's caveat (the ratio grid too coarse or too narrow), '' when none."""
        return decode(lib.smi_search_result_caveat(self._h)) or ''

    def _model(self, rank, size, indices, coefficients, criterion, intercept, rmse):
        names = self.data.features
        idx = tuple(int(j) for j in indices[:size])
        return Model(rank=rank, size=size, features=tuple(names[j] for j in idx), indices=idx,
                     criterion=criterion,
                     intercept=intercept if self.fit_intercept else None,
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
        for k in range(self.min_size, self.max_size + 1):
            features, coefs = (ctypes.c_size_t * max(k, 1))(), (ctypes.c_double * max(k, 1))()
            if call(lib.smi_search_result_best_of_size, h, k, k, features, coefs,
                    ctypes.byref(crit), ctypes.byref(icpt), ctypes.byref(rmse),
                    allowed=(_capi.SMI_ENOTFOUND,)) < 0:
                continue
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
        call(lib.smi_search_result_dos, h, bins + 1, dptr(edges), counts.ctypes.data_as(UINT64_P),
             ctypes.byref(below), ctypes.byref(above))
        counts = counts[:bins].copy()
        edges.flags.writeable = counts.flags.writeable = False
        return DOS(edges, counts, below.value, above.value)

    @functools.cached_property
    def feature_frequency(self):
        """dict feature name -> the fraction of the top models that use it (every feature)."""
        p = self.n_features
        freq = np.empty(max(p, 1))
        call(lib.smi_search_result_feature_frequency, self._h, p, dptr(freq))
        return {name: float(f) for name, f in zip(self.data.features, freq[:p])}

    # -- the model posterior (free-energy criteria) ---------------------------------

    def _posterior_array(self, func, count):
        """A read-only float64 array of `count` values from func(res, capacity, out); None
        when the result has no posterior (SMI_ENOTFOUND)."""
        out = np.zeros(max(count, 1))
        if call(func, self._h, count, dptr(out), allowed=(_capi.SMI_ENOTFOUND,)) < 0:
            return None
        out = out[:count].copy()
        out.flags.writeable = False
        return out

    @functools.cached_property
    def log_evidence_total(self):
        """ln sum_S p(y | S) p(S) over the scored subsets, the evidence of the whole family
        of models (a float); None when the result has no posterior."""
        value = ctypes.c_double()
        if call(lib.smi_search_result_log_evidence_total, self._h, ctypes.byref(value),
                allowed=(_capi.SMI_ENOTFOUND,)) < 0:
            return None
        return value.value

    @property
    def has_posterior(self):
        """Whether the result holds a model posterior (a free-energy criterion searched
        with a model prior)."""
        return self.log_evidence_total is not None

    @functools.cached_property
    def posterior_inclusion(self):
        """Per feature (p values, the data set's order), the posterior probability that it
        is in the model (1 for forced features), a NamedArray (posterior_inclusion['x1'],
        .features, .as_dict()); None when the result has no posterior."""
        out = self._posterior_array(lib.smi_search_result_posterior_inclusion, self.n_features)
        return None if out is None else named(out, self.data.features)

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
        if call(lib.smi_search_result_model_average, self._h, p, dptr(coef),
                ctypes.byref(intercept), ctypes.byref(mass),
                allowed=(_capi.SMI_ENOTFOUND,)) < 0:
            return None
        return ModelAverage({name: float(c) for name, c in zip(self.data.features, coef)},
                            intercept.value, mass.value, mass.value == 1.0)

    def rank(self, value):
        """Where the criterion value `value` falls among the subsets scored (a Rank).

        Exact when the search kept every subset (top at least n_models) or the value is at
        most the worst kept model's; otherwise the DOS bounds it. A subset tied with the value
        to about 1e-12 relative may count on either side. Raises Error SMI_EINVAL for a value
        that is not finite."""
        rank, percentile = ctypes.c_double(), ctypes.c_double()
        lo, hi = ctypes.c_uint64(), ctypes.c_uint64()
        call(lib.smi_search_result_rank, self._h, float(value), ctypes.byref(rank),
             ctypes.byref(lo), ctypes.byref(hi), ctypes.byref(percentile))
        return Rank(rank.value, lo.value, hi.value, percentile.value)

    def weight_diagram(self):
        """A new float64 array, top models x features: model r's coefficient of feature j
        (data units), 0 where the model does not use it. Rows in the order of `models`."""
        h = self._h
        n_top, p = lib.smi_search_result_n_top(h), self.n_features
        out = np.zeros((n_top, p))
        if out.size:
            call(lib.smi_search_result_weight_diagram, h, out.size, dptr(out))
        return out

    # -- saving ---------------------------------------------------------------------

    def save(self, path):
        """Write the result to `path` in the library's result format (smi_search_result_save),
        for load_result and merge_results: one versioned file with the names, the data's
        identity and the configuration, enough alone to load."""
        call(lib.smi_search_result_save, self._h, path_arg(path))

    # -- JSON ----------------------------------------------------------------------

    def _model_json(self, m):
        out = {}
        if m.rank is not None:
            out['rank'] = m.rank
        out.update(size=m.size, features=list(m.features), criterion=_json_number(m.criterion))
        if criterion_uses(lib.smi_search_result_criterion(self._h),
                          _capi.SMI_CRITERION_HELD_OUT):
            # a held-out mean squared error: also its root, in the target's units
            out['cv_rmse'] = _json_number(math.sqrt(m.criterion))
        out.update(rmse=_json_number(m.rmse),
                   intercept=None if m.intercept is None else _json_number(m.intercept),
                   coefficients={k: _json_number(v) for k, v in m.coefficients.items()})
        return out

    def as_dict(self):
        """The result as plain Python data, with the keys of `sparsemi es --json`: the
        settings of a free-energy criterion (ng_prior, ratio_grid, model_prior) where the
        criterion uses them, and the model posterior (dos['posterior'], log_evidence_total,
        posterior_inclusion, size_posterior, model_average) where the result has one."""
        cfg, names = self.config, self.features
        code = lib.smi_search_result_criterion(self._h)
        dos = self.dos
        alpha = beta = None
        if criterion_uses(code, _capi.SMI_CRITERION_FE_HYPER):
            alpha, beta = cfg['fe_hyper']
            sd = self._extra.get('target_sd')
            if beta == 0.0:   # the library's default, 1 / var(y) of the data searched
                beta = None if not sd else 1.0 / sd ** 2
        out = {
            'command': 'es',
            'version': decode(lib.smi_version_string()),
            'file': None,
            'criterion': self.criterion,
            'n_samples': self.n_samples,
            'n_features': self.n_features,
            'features': list(names),
            'target': self.target,
            'fit_intercept': self.fit_intercept,
            'min_size': self.min_size,
            'max_size': self.max_size,
            'keep': list(self.keep),
            'alpha': alpha,
            'beta': beta,
        }
        if criterion_uses(code, _capi.SMI_CRITERION_NG_PRIOR):
            lam, a0, b0 = cfg['normal_gamma']
            out['ng_prior'] = {
                'lambda': lam if criterion_uses(code, _capi.SMI_CRITERION_NG_LAMBDA) else None,
                'a0': a0, 'b0': b0}
        if criterion_uses(code, _capi.SMI_CRITERION_RATIO_GRID):
            lo, hi, count = cfg['ratio_grid']
            out['ratio_grid'] = {'lo': lo, 'hi': hi, 'n': count}
        if criterion_uses(code, _capi.SMI_CRITERION_SIGMA_GRID):
            kind, shape, scale = cfg['grid_prior']
            gamma = kind == 'gamma'
            out['sigma_grid'] = {
                'sigma_noise': dict(zip(('lo', 'hi', 'n'), cfg['sigma_noise_grid'])),
                'sigma_coef': dict(zip(('lo', 'hi', 'n'), cfg['sigma_coef_grid'])),
                'prior': {'kind': kind, 'shape': shape if gamma else None,
                          'scale': scale if gamma else None},
                'intercept_term': cfg['intercept_term']}
        if criterion_uses(code, _capi.SMI_CRITERION_FREE_ENERGY):
            kind, q = cfg['model_prior']
            out['model_prior'] = {'kind': kind, 'q': q if kind == 'bernoulli' else None}
        folds = None
        if criterion_uses(code, _capi.SMI_CRITERION_FOLDS):
            k, shuffle, seed = cfg['folds']
            if cfg['fold_ids'] is not None:
                folds = {'k': k, 'seed': None, 'column': self._extra.get('fold_column')}
            else:
                folds = {'k': k, 'seed': seed if shuffle else None, 'column': None}
        indices, count = self._shard
        shard = ({'count': count, 'indices': list(indices)}
                 if count > 1 and len(indices) < count else None)
        out.update({
            'folds': folds,
            'shard': shard,
            'n_models': self.n_models,
            'n_singular': self.n_singular,
            'n_nonfinite': self.n_nonfinite,
        })
        if criterion_uses(code, _capi.SMI_CRITERION_RATIO_GRID):   # as the CLI
            out.update({'quadrature_error': self.quadrature_error,
                        'grid_edge_models': self.grid_edge_models, 'caveat': self.caveat})
        out.update({
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
        out['elapsed_s'] = self.elapsed_s
        out['threads'] = lib.smi_thread_count(cfg['threads'])
        return out

    def to_json(self, indent=None):
        """The result as a JSON string with the keys and layout of `sparsemi es --json`
        ('file' is null; non-finite numbers are null)."""
        return json.dumps(self.as_dict(), indent=indent, allow_nan=False)
