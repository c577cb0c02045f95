"""Sparse paths: the LASSO and elastic net by coordinate descent (smi_lasso_run, with
smi_lasso_set_cv for the cross-validation), the LARS path (smi_lars_run on an smi_lars
configuration), and the supports along either path refitted by least squares and scored by
a search criterion (smi_path_supports_*; include/sparsemi.h, "LASSO and elastic net by
coordinate descent", "LARS", "Sparse paths in context").

    path = sparsemi.lasso_cv(ds)            # 10 folds shuffled with seed 0, as the CLI
    path.lambda_min, path.coef_min, path.best_support(criterion='bic').features
    hybrid = sparsemi.lars_path(ds).best_support()          # the LARS-OLS hybrid
    res = sparsemi.exhaustive_search(ds, criterion='bic', top=2**ds.p)
    [(r.support.features, r.rank) for r in path.on_dos(res)]   # "LASSO on the DOS"

The path objects own their C path (freed by close(), a `with` block or the collector); the
arrays are copied out when the path is made and stay readable after close(). supports()
needs the path and the data set it was computed on, which the object keeps a reference to.
"""

import collections
import ctypes
import math

import numpy as np

from . import _capi
from ._common import (Config, DataResult, Handle, call, criterion_code, criterion_uses, data_id,
                      dataset_arg, decode, double_array, dptr, invalid, named, null, read_doubles,
                      size_arg)
from ._folds import fold_spec
from ._lib import lib
from .search import SearchResult, _configure_model

__all__ = ['LarsPath', 'LassoCV', 'LassoPath', 'Support', 'SupportRank', 'lars_path',
           'lasso_cv', 'lasso_path']

Support = collections.namedtuple(
    'Support', 'penalty size features indices coefficients intercept criterion singular')
Support.__doc__ = """One distinct support (set of nonzero coefficients) along a sparse path,
refitted by least squares and scored as score_subset scores it.

penalty: the path's penalty where the support first appears (LARS: alpha of the knot that
starts its segment; coordinate descent: the lambda); size: the number of features k;
features, indices: their names and indices into the data set (tuples, ascending index);
coefficients: dict name -> least-squares coefficient (data units); intercept: the
intercept (None when refitted without one); criterion: the score (smaller is better);
singular: True when the subset cannot be scored (rank deficient, or no residual degree of
freedom for AIC and BIC): criterion is then NaN and the coefficients and intercept 0."""

SupportRank = collections.namedtuple('SupportRank', 'support rank rank_lo rank_hi percentile')
SupportRank.__doc__ = """A support placed among the subsets of an exhaustive search
(SearchResult.rank of its criterion): rank, rank_lo, rank_hi and percentile as
SearchResult.rank gives them; all None for a singular support."""

_LARS_METHODS = {'lar': _capi.SMI_LARS_LAR, 'lasso': _capi.SMI_LARS_LASSO}
_LARS_NAMES = {code: name for name, code in _LARS_METHODS.items()}


class _SparsePath(Handle, DataResult):
    """What the LARS and coordinate-descent paths share: the data set they were computed on
    and the supports along them. Subclasses set _supports_name (the smi_path_supports_from_*
    function) besides Handle's _free_name and _kind."""

    _supports_name = None
    _data_name = None

    def _own(self, handle, ds):
        self._handle = handle
        self._ds = ds
        self.data = data_id(getattr(lib, self._data_name)(handle))
        self.features = list(self.data.features)

    def matches(self, ds):
        """Whether ds is the data set the path was computed on (smi_data_id_matches)."""
        dataset_arg(ds)
        if not self._handle:
            return DataResult.matches(self, ds)
        return bool(lib.smi_data_id_matches(getattr(lib, self._data_name)(self._h), ds._h))

    def _support_list(self, criterion, folds, fold_seed, alpha, beta, intercept, standardize,
                      normal_gamma, ratio_grid):
        """[Support], and the index of the best (None when no support could be scored)."""
        ds, names = self._ds, self.features
        spec = fold_spec(ds, folds, fold_seed)
        handle = null('path_supports')
        with Config('search') as cfg:
            code = (cfg.get('criterion', ctypes.c_int) if criterion is None
                    else criterion_code(criterion))
            _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                             ratio_grid)
            if intercept is None:
                intercept = bool(cfg.get('intercept', ctypes.c_int))
            spec.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, cfg.handle)
            call(getattr(lib, self._supports_name), ds._h, self._h, cfg.handle,
                 ctypes.byref(handle))
        try:
            p = max(len(names), 1)
            idx, coef = (ctypes.c_size_t * p)(), (ctypes.c_double * p)()
            size = ctypes.c_size_t()
            penalty, crit, icpt = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
            out = []
            for i in range(lib.smi_path_supports_count(handle)):
                status = call(lib.smi_path_supports_get, handle, i, p, idx, coef,
                              ctypes.byref(size), ctypes.byref(penalty), ctypes.byref(crit),
                              ctypes.byref(icpt), allowed=(_capi.SMI_ESINGULAR,))
                k = size.value
                chosen = tuple(int(j) for j in idx[:k])
                out.append(Support(
                    penalty=penalty.value, size=k, features=tuple(names[j] for j in chosen),
                    indices=chosen,
                    coefficients={names[j]: float(c) for j, c in zip(chosen, coef[:k])},
                    intercept=icpt.value if intercept else None, criterion=crit.value,
                    singular=status == _capi.SMI_ESINGULAR))
            best = ctypes.c_size_t()
            status = call(lib.smi_path_supports_best, handle, ctypes.byref(best),
                          allowed=(_capi.SMI_ENOTFOUND,))
            return out, (best.value if status == _capi.SMI_OK else None)
        finally:
            lib.smi_path_supports_free(handle)

    def supports(self, criterion=None, folds=None, fold_seed=None, alpha=None, beta=None,
                 intercept=None, standardize=None, normal_gamma=None, ratio_grid=None):
        """The distinct non-empty supports along the path, in the order they first appear
        (decreasing penalty): a list of Support, each refitted by least squares and scored
        by `criterion` with the settings of score_subset (criterion, folds, fold_seed,
        alpha, beta, intercept, standardize, normal_gamma, ratio_grid mean what they mean
        there, None the library's default: BIC; the folds of 'cv' are this call's own, by
        default the file's fold column or else the library's, whatever folds the path was
        cross-validated on)."""
        return self._support_list(criterion, folds, fold_seed, alpha, beta, intercept,
                                  standardize, normal_gamma, ratio_grid)[0]

    def best_support(self, criterion=None, folds=None, fold_seed=None, alpha=None, beta=None,
                     intercept=None, standardize=None, normal_gamma=None, ratio_grid=None):
        """The support of smallest criterion among supports(...) with the same settings (the
        first one on a tie; singular supports never win), or None when none could be
        scored. On a LARS path this is the LARS-OLS hybrid's choice."""
        found, best = self._support_list(criterion, folds, fold_seed, alpha, beta, intercept,
                                         standardize, normal_gamma, ratio_grid)
        return None if best is None else found[best]

    def on_dos(self, result, criterion=None, folds=None, fold_seed=None, alpha=None,
               beta=None, intercept=None, standardize=None, normal_gamma=None,
               ratio_grid=None):
        """Each support placed among the subsets the exhaustive search `result` scored: a
        list of SupportRank in the order of supports(). criterion (default: the result's)
        and intercept (default: whether the search fitted one) must be the search's; give
        the other settings as they were given to exhaustive_search, so that a support's
        criterion is the value the search computed for that subset. A support larger than
        the search's max_size is still ranked among the subsets it scored.
        The search must be of the path's data (a result loaded from a file included:
        SearchResult.matches), else InvalidArgument (a sparsemi.Error, also a ValueError)."""
        if not isinstance(result, SearchResult):
            raise TypeError('on_dos: result must be a SearchResult, not %s'
                            % type(result).__name__)
        if not result.matches(self._ds):
            raise invalid('on_dos: the search was run on other data (n=%d, p=%d, target %r) '
                          'than the path (n=%d, p=%d, target %r)'
                          % (result.data.n, result.data.p, result.data.target, self.data.n,
                             self.data.p, self.data.target))
        searched = result.criterion
        if criterion is None:
            criterion = searched
        elif criterion_code(criterion) != criterion_code(searched):
            raise invalid('on_dos: criterion %r, but the search scored %r'
                          % (criterion, searched))
        if intercept is None:
            intercept = result.fit_intercept
        # The search's own settings, as its result holds them, unless given.
        cfg, code = result.config, criterion_code(criterion)
        if standardize is None:
            standardize = cfg['standardize']
        if (alpha, beta) == (None, None) and criterion_uses(code, _capi.SMI_CRITERION_FE_HYPER):
            alpha, beta = cfg['fe_hyper']
        if normal_gamma is None and criterion_uses(code, _capi.SMI_CRITERION_NG_PRIOR):
            normal_gamma = cfg['normal_gamma']
        if ratio_grid is None and criterion_uses(code, _capi.SMI_CRITERION_RATIO_GRID):
            ratio_grid = cfg['ratio_grid']
        if (folds, fold_seed) == (None, None) and criterion_uses(code, _capi.SMI_CRITERION_FOLDS):
            if cfg['fold_ids'] is not None:
                folds = np.array(cfg['fold_ids'])
            else:
                folds, shuffle, fold_seed = cfg['folds']
                fold_seed = fold_seed if shuffle else 'none'
        out = []
        for s in self.supports(criterion, folds, fold_seed, alpha, beta, intercept,
                               standardize, normal_gamma, ratio_grid):
            if s.singular or not math.isfinite(s.criterion):
                out.append(SupportRank(s, None, None, None, None))
            else:
                out.append(SupportRank(s, *result.rank(s.criterion)))
        return out


# -- LARS ------------------------------------------------------------------------------

class LarsPath(_SparsePath):
    """A LARS path (smi_lars_result), made by lars_path.

    Attributes: alphas (T knots, non-increasing), coefficients (T x p, original units,
    columns in the data set's order), intercepts (T), active (per knot, the active feature
    names in the order they entered), status (SMI_OK, or SMI_ESINGULAR when the path
    stopped at a rank-deficient active set: a success with a caveat, the knots before are
    exact), caveat (the library's message for that status, '' when SMI_OK), features (the
    data set's feature names), method ('lar' or 'lasso'), positive, max_steps (None for no
    limit), as the path's configuration holds them (smi_lars_result_config).
    Methods: supports(), best_support() (the LARS-OLS hybrid), on_dos().
    """

    _free_name = 'smi_lars_result_free'
    _kind = 'LarsPath'
    _supports_name = 'smi_path_supports_from_lars'
    _data_name = 'smi_lars_result_data'
    _made_by = 'sparsemi.lars_path'

    @classmethod
    def _read(cls, handle, ds):
        self = cls.__new__(cls)
        self._own(handle, ds)   # from here on the handle is freed with the object
        T, p = lib.smi_lars_result_n_knots(handle), len(self.features)
        alphas, coef, icpt = np.empty(T), np.empty((T, p)), np.empty(T)
        call(lib.smi_lars_result_knots, handle, T, dptr(alphas))
        call(lib.smi_lars_result_coefficients, handle, T * p, dptr(coef), dptr(icpt))
        active = []
        buf, count = (ctypes.c_size_t * max(p, 1))(), ctypes.c_size_t()
        for t in range(T):
            call(lib.smi_lars_result_active, handle, t, p, buf, ctypes.byref(count))
            active.append([self.features[buf[i]] for i in range(count.value)])
        self.alphas, self.intercepts = alphas, icpt
        self.coefficients = named(coef, self.features)
        self.active, self.status = active, lib.smi_lars_result_status(handle)
        self.caveat = decode(lib.smi_lars_result_caveat(handle)) or ''
        cfg = Config.view('lars', lib.smi_lars_result_config(handle))
        self.method = _LARS_NAMES[cfg.get('method', ctypes.c_int)]
        self.positive = bool(cfg.get('positive', ctypes.c_int))
        self.max_steps = cfg.get('max_steps', ctypes.c_size_t) or None
        return self

    def __repr__(self):
        return '<sparsemi.LarsPath method=%r knots=%d status=%d%s>' % (
            self.method, len(self.alphas), self.status, '' if self._handle else ' (closed)')


def lars_path(ds, method=None, positive=None, max_steps=None):
    """Least angle regression of ds's target on its features (centred, standardised by
    their sd, coefficients reported in original units; alphas as scikit-learn's lars_path
    reports them on the standardised data). method: 'lar' (least angle regression, the
    library's default, as scikit-learn's) or 'lasso' (the LASSO path); positive:
    coefficients kept >= 0 ('lasso' only: InvalidArgument with 'lar'; None: the library's
    default, off); max_steps: None for the library's default, the whole path. These become an
    smi_lars configuration (smi_lars_set_method, _set_positive, _set_max_steps) for
    smi_lars_run. Returns a LarsPath; a path cut short at a rank-deficient active set is
    returned with status SMI_ESINGULAR and its caveat."""
    dataset_arg(ds)
    if method is not None and method not in _LARS_METHODS:
        raise ValueError("method must be 'lar' or 'lasso', not %r" % (method,))
    handle = null('lars_result')
    with Config('lars') as cfg:
        if method is not None:
            cfg.set('method', _LARS_METHODS[method])
        if positive is not None:
            cfg.set('positive', 1 if positive else 0)   # after the method
        if max_steps is not None:
            cfg.set('max_steps', size_arg(max_steps, 'max_steps', minimum=1))
        call(lib.smi_lars_run, ds._h, cfg.handle, ctypes.byref(handle))
    return LarsPath._read(handle, ds)


# -- coordinate descent -------------------------------------------------------------------

def _lasso_config(ds, alpha=None, n_lambdas=None, lambda_min_ratio=None, lambdas=None,
                  positive=None, penalty_factors=None, tol=None, max_passes=None,
                  threads=None):
    """A Config('lasso') holding lasso_path's options; None leaves the library's default
    (a pair given in part keeps the library's other half)."""
    cfg = Config('lasso')
    try:
        if alpha is not None:
            cfg.set('alpha', float(alpha))
        if n_lambdas is not None or lambda_min_ratio is not None:
            lib_n, lib_ratio = cfg.get('path', ctypes.c_size_t, ctypes.c_double)
            cfg.set('path', lib_n if n_lambdas is None else size_arg(n_lambdas, 'n_lambdas'),
                    lib_ratio if lambda_min_ratio is None else float(lambda_min_ratio))
        if lambdas is not None:   # after set_path, which drops given lambdas
            values = double_array(lambdas, 'lambdas')
            cfg.set('lambdas', dptr(values), values.size)
        if positive is not None:
            cfg.set('positive', 1 if positive else 0)
        if penalty_factors is not None:
            factors = _penalty_factors(ds, penalty_factors)
            cfg.set('penalty_factors', dptr(factors), factors.size)
        if tol is not None or max_passes is not None:
            lib_tol, lib_passes = cfg.get('tolerance', ctypes.c_double, ctypes.c_size_t)
            cfg.set('tolerance', lib_tol if tol is None else float(tol),
                    lib_passes if max_passes is None else size_arg(max_passes, 'max_passes'))
        if threads is not None:
            cfg.set('threads', size_arg(threads, 'threads'))
    except BaseException:
        cfg.close()
        raise
    return cfg


def _penalty_factors(ds, factors):
    """An array of p factors, or a dict name -> factor (features not named get 1)."""
    if isinstance(factors, dict):
        out = np.ones(ds.p)
        for name, f in factors.items():
            out[ds.index(name)] = float(f)
        return out
    return double_array(factors, 'penalty_factors (or a dict name -> factor)')


class LassoPath(_SparsePath):
    """A LASSO or elastic-net path by coordinate descent (smi_lasso_result), made by lasso_path.

    Attributes: lambdas (L, decreasing), coef (L x p, original units, columns in the data
    set's order: a NamedArray, coef['name'] the column of that feature), intercept (L),
    features (the data set's feature names), data (the DataId of the data it was computed
    on), alpha (the mixing parameter), positive, as the path's configuration holds them
    (smi_lasso_result_config). Methods: matches(ds), supports(), best_support(), on_dos().
    """

    _free_name = 'smi_lasso_result_free'
    _kind = 'LassoPath'
    _supports_name = 'smi_path_supports_from_lasso'
    _data_name = 'smi_lasso_result_data'
    _made_by = 'sparsemi.lasso_path or sparsemi.lasso_cv'

    @classmethod
    def _read(cls, handle, ds):
        self = cls.__new__(cls)
        self._own(handle, ds)   # from here on the handle is freed with the object
        L, p = lib.smi_lasso_result_n_lambdas(handle), lib.smi_lasso_result_p(handle)
        coef, icpt = np.empty((L, p)), np.empty(L)
        self.lambdas = read_doubles(lib.smi_lasso_result_lambdas, handle, L)
        call(lib.smi_lasso_result_coefficients, handle, L * p, dptr(coef), dptr(icpt))
        self.coef, self.intercept = named(coef, self.features), icpt
        cfg = Config.view('lasso', lib.smi_lasso_result_config(handle))
        self.alpha = cfg.get('alpha', ctypes.c_double)
        self.positive = bool(cfg.get('positive', ctypes.c_int))
        return self

    def __repr__(self):
        return '<sparsemi.%s lambdas=%d p=%d%s>' % (
            type(self).__name__, len(self.lambdas), len(self.features),
            '' if self._handle else ' (closed)')


class LassoCV(LassoPath):
    """A LassoPath with its K-fold cross-validation (smi_lasso_run with smi_lasso_set_cv),
    made by lasso_cv.

    Besides LassoPath's attributes: cv_mean, cv_se (L values: the mean held-out squared
    error over the folds, weighted by fold size, and its standard error, as cv.glmnet
    computes them); index_min, lambda_min (the largest lambda of smallest mean) and
    index_1se, lambda_1se (the largest lambda whose mean is at most the smallest mean plus
    its se); coef_min, intercept_min, coef_1se, intercept_1se (the solutions there;
    coef_min and coef_1se are NamedArrays: coef_1se['bmi'], .features, .as_dict());
    support_min, support_1se (the names of their nonzero coefficients, in the data set's
    order); folds (each sample's fold, n ints in 0..K-1, as the run assigned them).
    """

    _kind = 'LassoCV'

    @classmethod
    def _read(cls, handle, ds, folds):
        self = super()._read(handle, ds)
        L = len(self.lambdas)
        mean, se = np.empty(L), np.empty(L)
        call(lib.smi_lasso_result_cv_curve, handle, L, dptr(mean), dptr(se))
        imin, i1se = ctypes.c_size_t(), ctypes.c_size_t()
        call(lib.smi_lasso_result_cv_choice, handle, ctypes.byref(imin), ctypes.byref(i1se))
        self.cv_mean, self.cv_se = mean, se
        self.index_min, self.index_1se = imin.value, i1se.value
        self.folds = folds
        return self

    @property
    def lambda_min(self):
        return float(self.lambdas[self.index_min])

    @property
    def lambda_1se(self):
        return float(self.lambdas[self.index_1se])

    @property
    def coef_min(self):
        return self.coef[self.index_min]

    @property
    def coef_1se(self):
        return self.coef[self.index_1se]

    @property
    def support_min(self):
        return tuple(name for name, c in zip(self.features, self.coef_min) if c != 0)

    @property
    def support_1se(self):
        return tuple(name for name, c in zip(self.features, self.coef_1se) if c != 0)

    @property
    def intercept_min(self):
        return float(self.intercept[self.index_min])

    @property
    def intercept_1se(self):
        return float(self.intercept[self.index_1se])


def lasso_path(ds, *, alpha=None, n_lambdas=None, lambda_min_ratio=None, lambdas=None,
               positive=None, penalty_factors=None, tol=None, max_passes=None):
    """The LASSO (alpha 1) or elastic-net path of ds's target on its features by coordinate
    descent, as glmnet computes it (smi_lasso_run): minimise over b0 and w
        (1/2n)|y - b0 - Xw|^2 + lambda sum_j f_j (alpha |w_j| + (1 - alpha)/2 w_j^2)
    with the features standardised (sd with divisor n) while solving; coefficients come
    back in the data's units. Every option left None is the library's default
    (smi_lasso_create: the LASSO, 100 lambdas, min ratio 1e-4 when n > p else 1e-2, no
    sign constraint, tolerance 1e-7 with 100000 passes).
    alpha: the mixing parameter, 0 < alpha <= 1. n_lambdas lambdas log-spaced from
    lambda_max (every penalised coefficient 0) down to lambda_min_ratio lambda_max; or
    `lambdas`, decreasing, instead. positive: every coefficient >= 0. penalty_factors: the
    f_j, an array of p values >= 0 or a dict name -> factor (the others 1); rescaled to
    sum to p, as glmnet does. tol, max_passes: coordinate descent stops when no update
    changes the objective by more than tol times the null deviance / n (glmnet's thresh);
    more than max_passes passes at one lambda raise Error SMI_ENOCONV.
    Returns a LassoPath; raises sparsemi.Error with the library's message."""
    dataset_arg(ds)
    options = dict(alpha=alpha, n_lambdas=n_lambdas, lambda_min_ratio=lambda_min_ratio,
                   lambdas=lambdas, positive=positive, penalty_factors=penalty_factors,
                   tol=tol, max_passes=max_passes)
    handle = null('lasso_result')
    with _lasso_config(ds, **options) as cfg:
        call(lib.smi_lasso_run, ds._h, cfg.handle, ctypes.byref(handle))
    return LassoPath._read(handle, ds)


def lasso_cv(ds, *, folds=None, fold_seed=None, threads=None, alpha=None, n_lambdas=None,
             lambda_min_ratio=None, lambdas=None, positive=None, penalty_factors=None,
             tol=None, max_passes=None):
    """lasso_path's path, then K-fold cross-validation over its lambdas (smi_lasso_run with
    smi_lasso_set_cv): each training set is fitted at the full data's lambdas (standardised
    on its own rows) and predicts its held-out fold, as cv.glmnet does with foldid.
    folds, fold_seed: as for exhaustive_search's 'cv', set on this run's configuration (ds
    is only read): None uses the file's fold column (Dataset.folds) when there is one,
    else the library's default, 10 folds shuffled with seed 0 (as `sparsemi lasso --cv
    10`); an int K makes K folds shuffled with fold_seed (None: the library's seed;
    'none': unshuffled, sample i in fold i % K); an array gives each sample's fold id.
    threads: for the folds, None the library's default (every core, as the CLI), 0 every
    core; the result does not depend on it.
    The other options are lasso_path's. Returns a LassoCV."""
    dataset_arg(ds)
    options = dict(alpha=alpha, n_lambdas=n_lambdas, lambda_min_ratio=lambda_min_ratio,
                   lambdas=lambdas, positive=positive, penalty_factors=penalty_factors,
                   tol=tol, max_passes=max_passes, threads=threads)
    spec = fold_spec(ds, folds, fold_seed)
    handle = null('lasso_result')
    with _lasso_config(ds, **options) as cfg:
        cfg.set('cv', 1)
        spec.apply(lib.smi_lasso_set_folds, lib.smi_lasso_set_fold_ids, cfg.handle)
        call(lib.smi_lasso_run, ds._h, cfg.handle, ctypes.byref(handle))
    return LassoCV._read(handle, ds, spec.assignment(ds.n))
