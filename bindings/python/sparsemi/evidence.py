"""Bayesian model evidence of one model: free energy F = -ln p(y | S) and the posterior.

    ev = sparsemi.evidence(ds, ['r_s_B', 'r_p_A'], hyper='optimize')
    ev.free_energy, ev.alpha, ev.beta, ev.coefficients['r_s_B'], ev.covariance

A thin layer over smi_evidence_run (include/sparsemi.h, "Bayesian model evidence of one
model"): Bayesian linear regression y = X_S w + e, w ~ N(0, alpha^-1 I), e ~ N(0, beta^-1 I)
on centred (intercept=True) and standardised (standardize=True) data. The keyword
arguments become an smi_evidence_result configuration; everything is copied out of the C result,
which is freed before evidence() returns.
"""

import ctypes
import operator
import warnings

import numpy as np

from . import _capi
from ._common import (Config, DataResult, call, data_id, dataset_arg, decode, dptr,
                      feature_indices, named, null, size_arg, size_array, tuple_arg)
from ._lib import lib

__all__ = ['Evidence', 'EvidenceWarning', 'evidence']

HYPER_MODES = {
    'fixed': _capi.SMI_HYPER_FIXED,
    'optimize': _capi.SMI_HYPER_OPTIMIZE,
    'marginal': _capi.SMI_HYPER_MARGINAL,
    'ng': _capi.SMI_HYPER_NG,
}
_HYPER_NAMES = {code: name for name, code in HYPER_MODES.items()}

PRIORS = {
    'inverse': _capi.SMI_PRIOR_INVERSE,
    'gamma': _capi.SMI_PRIOR_GAMMA,
    'uniform': _capi.SMI_PRIOR_UNIFORM,
}


class EvidenceWarning(UserWarning):
    """A success with a caveat (the result's status is SMI_ENOCONV): the optimisation of the
    hyperparameters did not converge (the result at the last iterate is returned with
    converged False), or a marginal range cuts the posterior or a given grid is too coarse;
    the caveat is the result's message."""


class Evidence(DataResult):
    """The evidence of one model, copied out of an smi_evidence_result.

    Attributes:
      free_energy      F = -ln p(y | S)
      log_evidence     -F
      alpha, beta      the hyperparameters (the optimum, the fixed values, or posterior
                       means on the grid / of the normal-gamma posterior)
      noise_sd         beta^-1/2
      gamma_eff        the effective number of parameters
      quadrature_error 'marginal': an upper estimate of |F - the exact integral over the
                       ranges| (0 for the other modes)
      fit_term, complexity_term   F = fit_term + complexity_term (see the header)
      iterations       optimisation iterations used (0 for the closed forms)
      converged        False when SMI_HYPER_OPTIMIZE (or the adaptive integral of
                       'marginal') stopped without converging
      features         the feature names, in the order given
      indices          their indices into the data set
      coefficients     dict name -> posterior mean, in the features' original units
      mean             the posterior mean as a NamedArray (same order as features:
                       mean['name'], mean.features)
      intercept        mean(y) - mean(X_S) . mean (0.0 with intercept=False)
      covariance       k x k posterior covariance (A^-1) in original units; for 'ng'
                       the scale matrix of the Student-t posterior
      hyper            'fixed', 'optimize', 'marginal' or 'ng'
      status           SMI_OK, or SMI_ENOCONV with a caveat: not converged, or for
                       'marginal' a range that cuts the posterior or a given grid whose
                       quadrature error exceeds 0.01 (smi_evidence_result_status)
      message          the library's caveat then (smi_evidence_result_caveat), else None
      data             the DataId of the data it was computed on (smi_evidence_result_data);
                       matches(ds) says whether ds is that data set
    """

    __slots__ = ('free_energy', 'log_evidence', 'alpha', 'beta', 'noise_sd', 'gamma_eff',
                 'quadrature_error', 'fit_term', 'complexity_term', 'iterations', 'converged',
                 'features', 'indices', 'coefficients', 'mean', 'intercept', 'covariance',
                 'hyper', 'status', 'message', 'data')

    def __repr__(self):
        return ('<sparsemi.Evidence hyper=%r features=%r F=%.10g alpha=%.6g beta=%.6g%s>'
                % (self.hyper, self.features, self.free_energy, self.alpha, self.beta,
                   '' if self.converged else ' (not converged)'))

    def to_dict(self):
        """A JSON-ready dict with the keys of `sparsemi evidence --json`."""
        return {
            'command': 'evidence', 'hyper': self.hyper, 'features': list(self.features),
            'free_energy': self.free_energy, 'log_evidence': self.log_evidence,
            'alpha': self.alpha, 'beta': self.beta, 'noise_sd': self.noise_sd,
            'gamma_eff': self.gamma_eff, 'quadrature_error': self.quadrature_error,
            'fit_term': self.fit_term,
            'complexity_term': self.complexity_term, 'iterations': self.iterations,
            'converged': self.converged, 'intercept': self.intercept,
            'coefficients': dict(self.coefficients),
            'covariance': self.covariance.tolist(),
        }


def _hyper_code(hyper):
    """A mode name or SMI_HYPER_* value (None: the library's default); ValueError for
    anything else."""
    if hyper is None:
        return None
    if isinstance(hyper, str):
        try:
            return HYPER_MODES[hyper.lower()]
        except KeyError:
            raise ValueError('unknown hyper %r: one of %s'
                             % (hyper, ', '.join(HYPER_MODES))) from None
    try:
        code = operator.index(hyper)
    except TypeError:
        raise ValueError('hyper must be a mode name or SMI_HYPER_* value, not %r'
                         % (hyper,)) from None
    if code not in _HYPER_NAMES:
        raise ValueError('unknown hyper mode %d' % code)
    return code


def _prior_args(prior):
    """'inverse', 'uniform', ('gamma', shape, scale) or 'gamma:SHAPE:SCALE' ->
    (code, shape, scale); shape and scale None (the library's) for the others."""
    if isinstance(prior, str) and ':' in prior:
        prior = tuple(prior.split(':'))
    if isinstance(prior, str):
        prior = (prior,)
    prior = tuple(prior)
    name = str(prior[0]).lower()
    if name not in PRIORS:
        raise ValueError('unknown prior %r: inverse, uniform or (gamma, shape, scale)'
                         % (prior[0],))
    if name == 'gamma':
        if len(prior) != 3:
            raise ValueError("the gamma prior needs ('gamma', shape, scale)")
        return PRIORS[name], float(prior[1]), float(prior[2])
    if len(prior) != 1:
        raise ValueError('the %s prior takes no parameters' % name)
    return PRIORS[name], None, None


def _grid(grid, lib_grid, what):
    """(lo, hi, n) of a grid, or the library's (lib_grid) when None."""
    if grid is None:
        return lib_grid
    lo, hi, n = tuple_arg(grid, 3, what, '(lo, hi, n)')
    return float(lo), float(hi), size_arg(n, what + ' n')


def _configure(cfg, mode, alpha, beta, max_iter, tol, sigma_noise_grid, sigma_coef_grid,
               prior, ng, intercept, standardize):
    """evidence()'s settings on a Config('evidence'); None leaves the library's default
    (a pair or grid given in part keeps the library's rest)."""
    c_double, c_size = ctypes.c_double, ctypes.c_size_t
    if mode is not None:
        cfg.set('mode', mode)
    if intercept is not None:
        cfg.set('intercept', int(bool(intercept)))
    if standardize is not None:
        cfg.set('standardize', int(bool(standardize)))
    if alpha is not None or beta is not None:
        lib_alpha, lib_beta = cfg.get('hyper', c_double, c_double)   # beta 0: 1 / var(y)
        cfg.set('hyper', float(lib_alpha if alpha is None else alpha),
                float(lib_beta if beta is None else beta))
    if max_iter is not None or tol is not None:
        lib_iter, lib_tol = cfg.get('iterations', c_size, c_double)
        cfg.set('iterations', lib_iter if max_iter is None else size_arg(max_iter, 'max_iter'),
                lib_tol if tol is None else float(tol))
    if sigma_noise_grid is not None or sigma_coef_grid is not None:
        grids = cfg.get('grids', c_double, c_double, c_size, c_double, c_double, c_size)
        cfg.set('grids', *_grid(sigma_noise_grid, grids[:3], 'sigma_noise_grid'),
                *_grid(sigma_coef_grid, grids[3:], 'sigma_coef_grid'))
    if prior is not None:
        code, shape, scale = _prior_args(prior)
        if shape is None:
            shape, scale = cfg.get('prior', ctypes.c_int, c_double, c_double)[1:]
        cfg.set('prior', code, shape, scale)
    if ng is not None:
        lam, a0, b0 = tuple_arg(ng, 3, 'ng', '(lambda, a0, b0)')
        cfg.set('normal_gamma', float(lam), float(a0), float(b0))


def _copy_out(ev, ds, indices):
    k = len(indices)
    out = Evidence()
    out.free_energy = lib.smi_evidence_result_free_energy(ev)
    out.log_evidence = -out.free_energy
    out.fit_term = lib.smi_evidence_result_fit_term(ev)
    out.complexity_term = lib.smi_evidence_result_complexity_term(ev)
    out.alpha = lib.smi_evidence_result_alpha(ev)
    out.beta = lib.smi_evidence_result_beta(ev)
    out.noise_sd = lib.smi_evidence_result_noise_sd(ev)
    out.gamma_eff = lib.smi_evidence_result_gamma_eff(ev)
    out.quadrature_error = lib.smi_evidence_result_quadrature_error(ev)
    out.iterations = int(lib.smi_evidence_result_iterations(ev))
    out.converged = bool(lib.smi_evidence_result_converged(ev))
    mean = np.empty(k)
    intercept = ctypes.c_double()
    call(lib.smi_evidence_result_mean, ev, k, dptr(mean), ctypes.byref(intercept))
    cov = np.empty((k, k))
    call(lib.smi_evidence_result_covariance, ev, k * k, dptr(cov))
    out.data = data_id(lib.smi_evidence_result_data(ev))
    names = out.data.features
    out.indices = tuple(indices)
    out.features = tuple(names[j] for j in indices)
    out.mean = named(mean, out.features)
    out.coefficients = dict(zip(out.features, mean.tolist()))
    out.intercept = intercept.value
    out.covariance = cov
    cfg = Config.view('evidence', lib.smi_evidence_result_config(ev))
    out.hyper = _HYPER_NAMES[cfg.get('mode', ctypes.c_int)]
    # A success with a caveat: SMI_ENOCONV and its message, the result still filled.
    out.status = lib.smi_evidence_result_status(ev)
    out.message = None
    if out.status == _capi.SMI_ENOCONV:
        out.message = decode(lib.smi_evidence_result_caveat(ev)) or 'not converged'
    return out


def evidence(ds, features, hyper=None, alpha=None, beta=None, max_iter=None, tol=None,
             sigma_noise_grid=None, sigma_coef_grid=None, prior=None, ng=None,
             intercept=None, standardize=None):
    """The Bayesian evidence of the model y ~ features of ds (smi_evidence_run).

    Every setting left None is the library's default (smi_evidence_create): 'optimize'
    from alpha = 1 and beta = 1 / var(y), at most 1000 iterations to 1e-10, the ranges
    1e-3 to 10 and 1e-2 to 1e2 in units of sd(y) integrated accurately (an adaptive rule;
    given grids are used literally), the 'inverse' prior, normal-gamma
    (1, 1e-6, 1e-6), intercept and standardisation on.
    features: names or indices (or one of them), at least one, distinct.
    hyper: 'fixed' (alpha, beta as given), 'optimize' (type-II maximum likelihood,
      starting from alpha, beta), 'marginal' (integrated over log-spaced grids of the noise
      and coefficient scales), 'ng' (normal-gamma conjugate prior), or an SMI_HYPER_*
      value. An unknown name raises ValueError (before the library is called).
    alpha, beta: > 0 (giving one keeps the library's other; beta 0 means 1 / var(y)).
    max_iter, tol: of the optimisation.
    sigma_noise_grid, sigma_coef_grid: (lo, hi, n) in units of sd(y) for 'marginal'.
    prior: 'inverse', 'uniform', or ('gamma', shape, scale) ('gamma:2:1' also).
    ng: (lambda, a0, b0) of the normal-gamma prior.
    intercept, standardize: centre the data / standardise the features (population sd).

    Returns an Evidence. When the optimisation does not converge (the library succeeds
    with a caveat: the result's status SMI_ENOCONV) the result at the last iterate is
    returned with converged False and the caveat in message, and an EvidenceWarning is
    emitted; so too, with converged True, for a marginal range that cuts the posterior or
    a given grid whose quadrature error exceeds 0.01 in F.
    Every other failure raises sparsemi.Error (bad values: InvalidArgument, SMI_EINVAL;
    unknown feature name: NotFound, SMI_ENOTFOUND; a constant feature or singular system:
    SMI_ESINGULAR).
    """
    dataset_arg(ds)
    mode = _hyper_code(hyper)
    indices = feature_indices(ds, features, 'feature index')
    ev = null('evidence_result')
    with Config('evidence') as cfg:
        try:
            _configure(cfg, mode, alpha, beta, max_iter, tol, sigma_noise_grid,
                       sigma_coef_grid, prior, ng, intercept, standardize)
            call(lib.smi_evidence_run, ds._h, size_array(indices), len(indices), cfg.handle,
                 ctypes.byref(ev))
            result = _copy_out(ev, ds, indices)
        finally:
            lib.smi_evidence_result_free(ev)
    if result.message is not None:
        warnings.warn('sparsemi.evidence: %s' % result.message, EvidenceWarning,
                      stacklevel=2)
    return result
