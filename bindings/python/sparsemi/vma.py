"""Virtual measurement analysis: is it the data or the method? (smi_vma_run;
include/sparsemi.h, "Virtual measurement analysis")

    res = sparsemi.vma(ds, ['r_p_A', 'r_d_B'], sizes=(20, 82, 500), max_size=3)
    res.recovery_rate, res.selection_by_name['r_p_A'], res.model.noise_sd

From a sparse model y = b0 + X_S w + N(0, sigma^2) and descriptor rows drawn from the data
set (resampled, or a Gaussian with its mean and covariance), `trials` synthetic data sets
of each size n' are drawn, a selection method (the best model of an exhaustive search, or
the LASSO with K-fold CV) chooses a subset on each, and the result counts how often it is
exactly S. Everything is copied out of the C result, which is freed before vma() returns.
"""

import collections
import ctypes

import numpy as np

from . import _capi
from ._common import (UINT64_P, Config, DataResult, Progress, call, criterion_code, data_id,
                      dataset_arg, double_array, dptr, feature_indices, named, null, seed_arg,
                      size_arg, size_array)
from ._lib import lib
from .lasso import _lasso_config
from .search import _configure_model, _configure_space

__all__ = ['VmaModel', 'VmaResult', 'vma']

VmaModel = collections.namedtuple('VmaModel', 'features indices coefficients intercept noise_sd')
VmaModel.__doc__ = """The true model of a virtual measurement, as used: features, indices (in the
order given), coefficients (dict name -> coefficient, data units), intercept, noise_sd."""

_ROWS = {'resample': _capi.SMI_VMA_RESAMPLE, 'gaussian': _capi.SMI_VMA_GAUSSIAN}
_METHODS = ('es', 'lasso')


class VmaResult(DataResult):
    """What a virtual measurement found, copied out of the library.

    sizes (S sample sizes n'), trials (T data sets per size); per size: recovery_rate (the
    fraction of the T data sets whose chosen subset is exactly the model's), failures (data
    sets on which the method could not choose); selection_frequency (S x p: the fraction
    choosing feature j; a failure chooses none; a NamedArray: selection_frequency['name']
    is that feature's column) and selection_by_name (dict name -> its column); chosen_size
    (S x (p + 1): data sets choosing a subset of each size 0..p, each
    row summing to T minus the failures); model (VmaModel: the truth as used); features
    (the data set's names); data (the DataId of the data; matches(ds)); method ('es' or
    'lasso'); rows ('resample' or 'gaussian'), as the result's configuration holds them."""

    def __init__(self, handle):
        h = handle
        self.data = data_id(lib.smi_vma_result_data(h))
        names = self.data.features
        S, T = lib.smi_vma_result_n_sizes(h), lib.smi_vma_result_trials(h)
        p = lib.smi_vma_result_p(h)
        sizes = (ctypes.c_size_t * max(S, 1))()
        call(lib.smi_vma_result_sizes, h, S, sizes)
        self.sizes = np.array(sizes[:S], dtype=np.int64)
        self.trials = T
        self.recovery_rate = np.empty(S)
        call(lib.smi_vma_result_recovery_rate, h, S, dptr(self.recovery_rate))
        frequency = np.empty((S, p))
        call(lib.smi_vma_result_selection_frequency, h, S * p, dptr(frequency))
        self.selection_frequency = named(frequency, names)
        self.chosen_size = np.empty((S, p + 1), dtype=np.uint64)
        call(lib.smi_vma_result_chosen_size, h, S * (p + 1),
             self.chosen_size.ctypes.data_as(UINT64_P))
        self.failures = np.empty(S, dtype=np.uint64)
        call(lib.smi_vma_result_failures, h, S, self.failures.ctypes.data_as(UINT64_P))
        self.features = list(names)
        self.selection_by_name = {name: frequency[:, j].copy() for j, name in enumerate(names)}
        k = ctypes.c_size_t()
        call(lib.smi_vma_result_model, h, 0, None, None, ctypes.byref(k), None, None)
        idx = (ctypes.c_size_t * max(k.value, 1))()
        coef = (ctypes.c_double * max(k.value, 1))()
        icpt, sd = ctypes.c_double(), ctypes.c_double()
        call(lib.smi_vma_result_model, h, k.value, idx, coef, ctypes.byref(k), ctypes.byref(icpt),
             ctypes.byref(sd))
        chosen = tuple(int(j) for j in idx[:k.value])
        self.model = VmaModel(tuple(names[j] for j in chosen), chosen,
                              {names[j]: float(c) for j, c in zip(chosen, coef[:k.value])},
                              icpt.value, sd.value)
        cfg = Config.view('vma', lib.smi_vma_result_config(h))
        method = cfg.get('method', ctypes.c_int)
        self.method = 'lasso' if method == _capi.SMI_VMA_LASSO_CV else 'es'
        self.rows = {code: name for name, code in _ROWS.items()}[cfg.get('rows', ctypes.c_int)]

    def __repr__(self):
        return '<sparsemi.VmaResult model=%r sizes=%s recovery=%s>' % (
            list(self.model.features), self.sizes.tolist(),
            np.round(self.recovery_rate, 3).tolist())


def _model_features(ds, model):
    """Feature names or indices, or an object with a `features` attribute (Model, Support)."""
    features = getattr(model, 'features', model)
    if isinstance(features, (str, bytes)) or np.ndim(features) == 0:
        features = [features]
    return feature_indices(ds, list(features), 'model')


def _model_coefficients(ds, idx, coefficients, intercept):
    """The coefficients in the model's order (a float64 array) and the intercept, or
    (None, 0.0) to have the library fit them."""
    if coefficients is None:
        if intercept is not None:
            raise ValueError('intercept is given without coefficients (both, or neither to '
                             'take the least-squares fit)')
        return None, 0.0
    if intercept is None:
        raise ValueError('coefficients are given without the intercept (both, or neither to '
                         'take the least-squares fit)')
    if isinstance(coefficients, dict):
        by_index = {ds.index(name) if isinstance(name, str) else int(name): float(c)
                    for name, c in coefficients.items()}
        if set(by_index) != set(idx):
            names = ds.names
            raise ValueError('coefficients are given for %s, the model has %s'
                             % (sorted(names[j] for j in by_index if j < len(names)),
                                [names[j] for j in idx]))
        values = np.array([by_index[j] for j in idx])
    else:
        values = double_array(coefficients, 'coefficients')
        if values.shape != (len(idx),):
            raise ValueError('%d coefficients for the %d features of the model'
                             % (values.size, len(idx)))
    return values, float(intercept)


def _set_method(vc, ds, method, criterion, min_size, max_size, keep, folds, one_se, alpha,
                beta, normal_gamma, ratio_grid, standardize, lasso):
    """The selection method of vc. K of the folds (None: the library's) goes on the
    search's or the LASSO's own configuration (smi_search_set_folds, smi_lasso_set_folds),
    where smi_vma_set_search and smi_vma_set_lasso take it from; each synthetic data set
    still gets its own shuffle."""
    folds = None if folds is None else size_arg(folds, 'folds')
    if method == 'lasso':
        search_set = [name for name, value in (
            ('criterion', criterion), ('min_size', min_size), ('max_size', max_size),
            ('keep', keep), ('alpha', alpha), ('beta', beta), ('normal_gamma', normal_gamma),
            ('ratio_grid', ratio_grid), ('standardize', standardize)) if value is not None]
        if search_set:
            raise ValueError("%s apply to method 'es', not 'lasso' (LASSO options go in "
                             "lasso=dict(...))" % ', '.join(search_set))
        with _lasso_config(ds, **(lasso or {})) as cfg:
            if folds is not None:
                k, shuffle, seed = cfg.get('folds', ctypes.c_size_t, ctypes.c_int,
                                           ctypes.c_uint64)
                cfg.set('folds', size_arg(folds, 'folds'), shuffle, seed)
            call(lib.smi_vma_set_lasso, vc, cfg.handle, 1 if one_se else 0)
        return
    if lasso is not None or one_se:
        raise ValueError("lasso and one_se apply to method 'lasso', not 'es'")
    with Config('search') as cfg:
        code = (cfg.get('criterion', ctypes.c_int) if criterion is None
                else criterion_code(criterion))
        _configure_model(cfg, code, alpha, beta, True, standardize, normal_gamma, ratio_grid)
        _configure_space(cfg, ds, min_size, max_size, keep, None, None, None)
        if folds is not None and code == _capi.SMI_CRIT_CV:   # other criteria have no folds
            k, shuffle, seed = cfg.get('folds', ctypes.c_size_t, ctypes.c_int, ctypes.c_uint64)
            cfg.set('folds', size_arg(folds, 'folds'), shuffle, seed)
        call(lib.smi_vma_set_search, vc, cfg.handle)


def vma(ds, model, *, coefficients=None, intercept=None, noise_sd=None, rows=None,
        sizes=None, trials=None, seed=None, threads=None, method='es', criterion=None,
        min_size=None, max_size=None, keep=None, folds=None, one_se=None, alpha=None,
        beta=None, normal_gamma=None, ratio_grid=None, standardize=None, lasso=None,
        progress=None):
    """Virtual measurement analysis of ds with a true model (smi_vma_run).

    Every setting left None is the library's default (smi_vma_create: rows resampled,
    sizes 20, 40, 80, 100 trials per size, seed 0, every core; the search's and the
    LASSO's defaults, BIC and 10 folds among them).
    model: its features (names or indices, any order), or an object with a `features`
    attribute (a Model of exhaustive_search, a Support of a path). coefficients (an array
    in the model's order, or a dict name -> value) and intercept, in the data's units: both,
    or neither to take the least-squares fit of the model on ds. noise_sd: the noise
    standard deviation, None to estimate it from the evidence of the model on ds
    (evidence(ds, model, hyper='optimize'): beta^-1/2).
    rows: 'resample' (rows of X drawn with replacement) or 'gaussian' (multivariate normal
    with X's mean and covariance). sizes: the sample sizes n'; trials: data sets per size;
    seed: of every draw; threads: 0 meaning every core, the result does not depend on it.
    method 'es': the best model of an exhaustive search with criterion, min_size,
    max_size, keep, alpha, beta, normal_gamma, ratio_grid and standardize as for
    exhaustive_search (always with an intercept); with 'cv' each data set gets its own
    shuffled min(folds, n')-fold split. method 'lasso': the support at lambda_min (or
    lambda_1se with one_se) of lasso_cv on a shuffled min(folds, n')-fold split; `lasso`,
    a dict of lasso_path's options (alpha, n_lambdas, lambda_min_ratio, lambdas, positive,
    penalty_factors, tol, max_passes). folds: K only, as every synthetic data set is new:
    no fold ids, no fold seed. progress: None or a callable(fraction); an exception it
    raises (KeyboardInterrupt included) cancels the run and propagates.
    Returns a VmaResult; raises sparsemi.Error with the library's message (SMI_EINVAL for
    a bad setting, SMI_ESINGULAR for a model singular on ds, ...)."""
    dataset_arg(ds)
    if rows is not None and rows not in _ROWS:
        raise ValueError("rows must be 'resample' or 'gaussian', not %r" % (rows,))
    if method not in _METHODS:
        raise ValueError("method must be 'es' or 'lasso', not %r" % (method,))
    idx = _model_features(ds, model)
    coef, b0 = _model_coefficients(ds, idx, coefficients, intercept)
    with Config('vma') as vc, Progress(progress) as prog:
        vc.set('model', size_array(idx), len(idx), None if coef is None else dptr(coef), b0,
               -1.0 if noise_sd is None else float(noise_sd))
        if rows is not None:
            vc.set('rows', _ROWS[rows])
        if sizes is not None:
            sizes = [size_arg(s, 'sizes') for s in np.atleast_1d(sizes).tolist()]
            vc.set('sizes', size_array(sizes), len(sizes))
        if trials is not None:
            vc.set('trials', size_arg(trials, 'trials'))
        if seed is not None:
            vc.set('seed', seed_arg(seed))
        if threads is not None:
            vc.set('threads', size_arg(threads, 'threads'))
        _set_method(vc.handle, ds, method, criterion, min_size, max_size, keep, folds, one_se,
                    alpha, beta, normal_gamma, ratio_grid, standardize, lasso)
        vc.set('progress', prog.c_func, None)
        handle = null('vma_result')
        prog.run(lib.smi_vma_run, ds._h, vc.handle, ctypes.byref(handle),
                 free=lib.smi_vma_result_free)
    try:
        return VmaResult(handle)
    finally:
        lib.smi_vma_result_free(handle)
