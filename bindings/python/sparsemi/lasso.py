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
from ._folds import fold_spec
from ._lib import Error, Handle, call, decode, last_error, lib
from .search import _Config, _configure_model, _criterion_code, _dptr, _size_arg

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


class _SparsePath(Handle):
    """What the LARS and coordinate-descent paths share: the data set they were computed on
    and the supports along them. Subclasses set _supports_name (the smi_path_supports_from_*
    function) besides Handle's _free_name and _kind."""

    _supports_name = None

    def _own(self, handle, ds):
        self._handle = handle
        self._ds = ds
        self.features = ds.names

    def _support_list(self, criterion, folds, fold_seed, alpha, beta, intercept, standardize,
                      normal_gamma, ratio_grid):
        """[Support], and the index of the best (None when no support could be scored)."""
        ds, names = self._ds, self.features
        code = _criterion_code(criterion)
        spec = fold_spec(ds, folds, fold_seed)
        handle = ctypes.c_void_p()
        with _Config() as cfg:
            _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                             ratio_grid)
            cfg.set_folds(spec)
            call(getattr(lib, self._supports_name), ds._h, self._h, cfg.handle,
                 ctypes.byref(handle))
        try:
            p = max(len(names), 1)
            idx, coef = (ctypes.c_size_t * p)(), (ctypes.c_double * p)()
            size = ctypes.c_size_t()
            penalty, crit, icpt = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
            out = []
            for i in range(lib.smi_path_supports_count(handle)):
                status = lib.smi_path_supports_get(handle, i, p, idx, coef, ctypes.byref(size),
                                                   ctypes.byref(penalty), ctypes.byref(crit),
                                                   ctypes.byref(icpt))
                if status < 0 and status != _capi.SMI_ESINGULAR:
                    raise Error(status, last_error())
                k = size.value
                chosen = tuple(int(j) for j in idx[:k])
                out.append(Support(
                    penalty=penalty.value, size=k, features=tuple(names[j] for j in chosen),
                    indices=chosen,
                    coefficients={names[j]: float(c) for j, c in zip(chosen, coef[:k])},
                    intercept=icpt.value if intercept else None, criterion=crit.value,
                    singular=status == _capi.SMI_ESINGULAR))
            best = ctypes.c_size_t()
            status = lib.smi_path_supports_best(handle, ctypes.byref(best))
            if status < 0 and status != _capi.SMI_ENOTFOUND:
                raise Error(status, last_error())
            return out, (best.value if status == _capi.SMI_OK else None)
        finally:
            lib.smi_path_supports_free(handle)

    def supports(self, criterion='bic', folds=None, fold_seed=None, alpha=None, beta=None,
                 intercept=True, standardize=True, normal_gamma=None, ratio_grid=None):
        """The distinct non-empty supports along the path, in the order they first appear
        (decreasing penalty): a list of Support, each refitted by least squares and scored
        by `criterion` with the settings of score_subset (folds, fold_seed, alpha, beta,
        intercept, standardize, normal_gamma, ratio_grid mean what they mean there: the
        folds of 'cv' are this call's own, by default the file's fold column or else 10
        folds shuffled with seed 0, whatever folds the path was cross-validated on)."""
        return self._support_list(criterion, folds, fold_seed, alpha, beta, intercept,
                                  standardize, normal_gamma, ratio_grid)[0]

    def best_support(self, criterion='bic', folds=None, fold_seed=None, alpha=None, beta=None,
                     intercept=True, standardize=True, normal_gamma=None, ratio_grid=None):
        """The support of smallest criterion among supports(...) with the same settings (the
        first one on a tie; singular supports never win), or None when none could be
        scored. On a LARS path this is the LARS-OLS hybrid's choice."""
        found, best = self._support_list(criterion, folds, fold_seed, alpha, beta, intercept,
                                         standardize, normal_gamma, ratio_grid)
        return None if best is None else found[best]

    def on_dos(self, result, criterion=None, folds=None, fold_seed=None, alpha=None,
               beta=None, intercept=None, standardize=True, normal_gamma=None,
               ratio_grid=None):
        """Each support placed among the subsets the exhaustive search `result` scored: a
        list of SupportRank in the order of supports(). criterion (default: the result's)
        and intercept (default: whether the search fitted one) must be the search's; give
        the other settings as they were given to exhaustive_search, so that a support's
        criterion is the value the search computed for that subset. A support larger than
        the search's max_size is still ranked among the subsets it scored."""
        searched = result.criterion
        if criterion is None:
            criterion = searched
        elif _criterion_code(criterion) != _criterion_code(searched):
            raise Error(_capi.SMI_EINVAL, 'on_dos: criterion %r, but the search scored %r'
                        % (criterion, searched))
        if intercept is None:
            intercept = result._request['fit_intercept']
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

    def __init__(self):
        raise TypeError('LarsPath objects come from sparsemi.lars_path')

    @classmethod
    def _read(cls, handle, ds):
        self = cls.__new__(cls)
        self._own(handle, ds)   # from here on the handle is freed with the object
        T, p = lib.smi_lars_result_n_knots(handle), ds.p
        alphas, coef, icpt = np.empty(T), np.empty((T, p)), np.empty(T)
        call(lib.smi_lars_result_knots, handle, T, _dptr(alphas))
        call(lib.smi_lars_result_coefficients, handle, T * p, _dptr(coef), _dptr(icpt))
        active = []
        buf, count = (ctypes.c_size_t * max(p, 1))(), ctypes.c_size_t()
        for t in range(T):
            call(lib.smi_lars_result_active, handle, t, p, buf, ctypes.byref(count))
            active.append([self.features[buf[i]] for i in range(count.value)])
        self.alphas, self.coefficients, self.intercepts = alphas, coef, icpt
        self.active, self.status = active, lib.smi_lars_result_status(handle)
        self.caveat = decode(lib.smi_lars_result_caveat(handle)) or ''
        cfg = lib.smi_lars_result_config(handle)
        method, positive, steps = ctypes.c_int(), ctypes.c_int(), ctypes.c_size_t()
        call(lib.smi_lars_get_method, cfg, ctypes.byref(method))
        call(lib.smi_lars_get_positive, cfg, ctypes.byref(positive))
        call(lib.smi_lars_get_max_steps, cfg, ctypes.byref(steps))
        self.method = _LARS_NAMES[method.value]
        self.positive = bool(positive.value)
        self.max_steps = steps.value or None
        return self

    def __repr__(self):
        return '<sparsemi.LarsPath method=%r knots=%d status=%d%s>' % (
            self.method, len(self.alphas), self.status, '' if self._handle else ' (closed)')


def lars_path(ds, method='lasso', positive=False, max_steps=None):
    """Least angle regression of ds's target on its features (centred, standardised by
    their sd, coefficients reported in original units; alphas as scikit-learn's lars_path
    reports them on the standardised data). method: 'lar' or 'lasso'; positive: coefficients
    kept >= 0 ('lasso' only: Error SMI_EINVAL with 'lar'); max_steps: None for the whole
    path. These become an smi_lars configuration (smi_lars_set_method, _set_positive,
    _set_max_steps) for smi_lars_run. Returns a LarsPath; a path cut short at a
    rank-deficient active set is returned with status SMI_ESINGULAR and its caveat."""
    if method not in _LARS_METHODS:
        raise ValueError("method must be 'lar' or 'lasso', not %r" % (method,))
    steps = 0 if max_steps is None else _size_arg(max_steps, 'max_steps', minimum=1)
    cfg = ctypes.c_void_p()
    call(lib.smi_lars_create, ctypes.byref(cfg))
    handle = ctypes.c_void_p()
    try:
        call(lib.smi_lars_set_method, cfg, _LARS_METHODS[method])
        call(lib.smi_lars_set_positive, cfg, 1 if positive else 0)   # after the method
        call(lib.smi_lars_set_max_steps, cfg, steps)
        call(lib.smi_lars_run, ds._h, cfg, ctypes.byref(handle))
    finally:
        lib.smi_lars_free(cfg)
    return LarsPath._read(handle, ds)


# -- coordinate descent -------------------------------------------------------------------

class _LassoConfig:
    """An smi_lasso holding lasso_path's options, freed on exit. set_folds and set_cv add
    lasso_cv's."""

    def __init__(self, ds, alpha=1.0, n_lambdas=100, lambda_min_ratio=None, lambdas=None,
                 positive=False, penalty_factors=None, tol=1e-7, max_passes=100000,
                 threads=1):
        handle = ctypes.c_void_p()
        call(lib.smi_lasso_create, ctypes.byref(handle))
        self.handle = handle
        try:
            self._set(ds, alpha, n_lambdas, lambda_min_ratio, lambdas, positive,
                      penalty_factors, tol, max_passes, threads)
        except BaseException:
            self.__exit__()
            raise

    def _set(self, ds, alpha, n_lambdas, lambda_min_ratio, lambdas, positive,
             penalty_factors, tol, max_passes, threads):
        h = self.handle
        call(lib.smi_lasso_set_alpha, h, float(alpha))
        call(lib.smi_lasso_set_path, h, _size_arg(n_lambdas, 'n_lambdas'),
             0.0 if lambda_min_ratio is None else float(lambda_min_ratio))
        if lambdas is not None:   # after set_path, which drops given lambdas
            values = np.ascontiguousarray(lambdas, dtype=np.float64)
            if values.ndim != 1:
                raise ValueError('lambdas must be a 1-d array')
            call(lib.smi_lasso_set_lambdas, h, _dptr(values), values.size)
        call(lib.smi_lasso_set_positive, h, 1 if positive else 0)
        if penalty_factors is not None:
            factors = _penalty_factors(ds, penalty_factors)
            call(lib.smi_lasso_set_penalty_factors, h, _dptr(factors), factors.size)
        call(lib.smi_lasso_set_tolerance, h, float(tol),
             _size_arg(max_passes, 'max_passes'))
        call(lib.smi_lasso_set_threads, h, _size_arg(threads, 'threads'))

    def set_folds(self, spec):
        """The folds of the cross-validation (a FoldSpec)."""
        spec.apply(lib.smi_lasso_set_folds, lib.smi_lasso_set_fold_ids, self.handle)

    def set_cv(self, on=True):
        call(lib.smi_lasso_set_cv, self.handle, 1 if on else 0)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        handle, self.handle = self.handle, None
        if handle:
            lib.smi_lasso_free(handle)


def _penalty_factors(ds, factors):
    """An array of p factors, or a dict name -> factor (features not named get 1)."""
    if isinstance(factors, dict):
        out = np.ones(ds.p)
        for name, f in factors.items():
            out[ds.index(name)] = float(f)
        return out
    out = np.ascontiguousarray(factors, dtype=np.float64)
    if out.ndim != 1:
        raise ValueError('penalty_factors must be a 1-d array or a dict name -> factor')
    return out


class LassoPath(_SparsePath):
    """A LASSO or elastic-net path by coordinate descent (smi_lasso_result), made by lasso_path.

    Attributes: lambdas (L, decreasing), coef (L x p, original units, columns in the data
    set's order), intercept (L), features (the data set's feature names), alpha (the
    mixing parameter), positive. Methods: supports(), best_support(), on_dos().
    """

    _free_name = 'smi_lasso_result_free'
    _kind = 'LassoPath'
    _supports_name = 'smi_path_supports_from_lasso'

    def __init__(self):
        raise TypeError('%s objects come from sparsemi.lasso_path or sparsemi.lasso_cv'
                        % type(self).__name__)

    @classmethod
    def _read(cls, handle, ds, alpha, positive):
        self = cls.__new__(cls)
        self._own(handle, ds)   # from here on the handle is freed with the object
        L, p = lib.smi_lasso_result_n_lambdas(handle), lib.smi_lasso_result_p(handle)
        lambdas, coef, icpt = np.empty(L), np.empty((L, p)), np.empty(L)
        call(lib.smi_lasso_result_lambdas, handle, L, _dptr(lambdas))
        call(lib.smi_lasso_result_coefficients, handle, L * p, _dptr(coef), _dptr(icpt))
        self.lambdas, self.coef, self.intercept = lambdas, coef, icpt
        self.alpha, self.positive = float(alpha), bool(positive)
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
    its se); coef_min, intercept_min, coef_1se, intercept_1se (the solutions there);
    folds (each sample's fold, n ints in 0..K-1, as the run assigned them).
    """

    _kind = 'LassoCV'

    @classmethod
    def _read(cls, handle, ds, alpha, positive, folds):
        self = super()._read(handle, ds, alpha, positive)
        L = len(self.lambdas)
        mean, se = np.empty(L), np.empty(L)
        call(lib.smi_lasso_result_cv_curve, handle, L, _dptr(mean), _dptr(se))
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
    def intercept_min(self):
        return float(self.intercept[self.index_min])

    @property
    def intercept_1se(self):
        return float(self.intercept[self.index_1se])


def lasso_path(ds, *, alpha=1.0, n_lambdas=100, lambda_min_ratio=None, lambdas=None,
               positive=False, penalty_factors=None, tol=1e-7, max_passes=100000):
    """The LASSO (alpha 1) or elastic-net path of ds's target on its features by coordinate
    descent, as glmnet computes it (smi_lasso_run): minimise over b0 and w
        (1/2n)|y - b0 - Xw|^2 + lambda sum_j f_j (alpha |w_j| + (1 - alpha)/2 w_j^2)
    with the features standardised (sd with divisor n) while solving; coefficients come
    back in the data's units.
    alpha: the mixing parameter, 0 < alpha <= 1. n_lambdas lambdas log-spaced from
    lambda_max (every penalised coefficient 0) down to lambda_min_ratio lambda_max (None:
    1e-4 when n > p, else 1e-2); or `lambdas`, decreasing, instead. positive: every
    coefficient >= 0. penalty_factors: the f_j, an array of p values >= 0 or a dict
    name -> factor (the others 1); rescaled to sum to p, as glmnet does. tol, max_passes:
    coordinate descent stops when no update changes the objective by more than tol times
    the null deviance / n (glmnet's thresh); more than max_passes passes at one lambda
    raise Error SMI_ENOCONV.
    Returns a LassoPath; raises sparsemi.Error with the library's message."""
    options = dict(alpha=alpha, n_lambdas=n_lambdas, lambda_min_ratio=lambda_min_ratio,
                   lambdas=lambdas, positive=positive, penalty_factors=penalty_factors,
                   tol=tol, max_passes=max_passes)
    handle = ctypes.c_void_p()
    with _LassoConfig(ds, **options) as cfg:
        call(lib.smi_lasso_run, ds._h, cfg.handle, ctypes.byref(handle))
    return LassoPath._read(handle, ds, alpha, positive)


def lasso_cv(ds, *, folds=None, fold_seed=None, threads=1, alpha=1.0, n_lambdas=100,
             lambda_min_ratio=None, lambdas=None, positive=False, penalty_factors=None,
             tol=1e-7, max_passes=100000):
    """lasso_path's path, then K-fold cross-validation over its lambdas (smi_lasso_run with
    smi_lasso_set_cv): each training set is fitted at the full data's lambdas (standardised
    on its own rows) and predicts its held-out fold, as cv.glmnet does with foldid.
    folds, fold_seed: as for exhaustive_search's 'cv', set on this run's configuration (ds
    is only read): None uses the file's fold column (Dataset.folds) when there is one,
    else 10 folds shuffled with seed 0 (the library's and `sparsemi lasso --cv`'s
    default); an int K makes K folds shuffled with fold_seed (None: seed 0; 'none':
    unshuffled, sample i in fold i % K); an array gives each sample's fold id.
    threads: for the folds, 0 meaning every core; the result does not depend on it.
    The other options are lasso_path's. Returns a LassoCV."""
    options = dict(alpha=alpha, n_lambdas=n_lambdas, lambda_min_ratio=lambda_min_ratio,
                   lambdas=lambdas, positive=positive, penalty_factors=penalty_factors,
                   tol=tol, max_passes=max_passes, threads=threads)
    spec = fold_spec(ds, folds, fold_seed)
    handle = ctypes.c_void_p()
    with _LassoConfig(ds, **options) as cfg:
        cfg.set_cv(True)
        cfg.set_folds(spec)
        call(lib.smi_lasso_run, ds._h, cfg.handle, ctypes.byref(handle))
    return LassoCV._read(handle, ds, alpha, positive, spec.assignment(ds.n))
