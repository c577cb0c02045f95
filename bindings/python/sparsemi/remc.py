"""Replica-exchange Monte Carlo over subsets and its multiple-histogram density of states
(smi_remc_run; include/sparsemi.h, "Approximate exhaustive search")."""

import ctypes
import time

import numpy as np

from . import _capi
from ._lib import Error, call, last_error, lib

__all__ = ['RemcResult', 'remc']
from ._folds import fold_spec
from .search import (_Config, _Progress, _configure_model, _criterion_code,
                     _feature_indices, _size_arg, _size_array, _dptr)


class RemcResult:
    """What a replica-exchange run found, copied out of the library.

    ladder, acceptance (per inverse temperature), exchange_rates (between neighbours);
    n_states, the exact number of subsets in the space; dos_edges, dos_log_counts (ln of the
    estimated number of subsets per bin, -inf where none was seen) and dos_errors (their
    standard errors, nan where a block missed the bin); dos_counts = exp(dos_log_counts);
    models, the best distinct subsets visited as (criterion, [feature names]) refitted
    exactly; posterior_inclusion (a dict name -> probability at inverse temperature 1, or
    None); trace, an (R, sweeps) array of energies; n_proposals; elapsed_s."""

    def __init__(self, handle, names, elapsed):
        h = handle
        R = lib.smi_remc_result_n_replicas(h)
        self.ladder = _get(lib.smi_remc_result_ladder, h, R)
        self.acceptance = _get(lib.smi_remc_result_acceptance, h, R)
        self.exchange_rates = _get(lib.smi_remc_result_exchange_rates, h, R - 1)
        self.n_states = lib.smi_remc_result_n_states(h)
        self.n_proposals = lib.smi_remc_result_n_proposals(h)
        nb = lib.smi_remc_result_n_bins(h)
        edges, logs, errs = np.empty(nb + 1), np.empty(nb), np.empty(nb)
        call(lib.smi_remc_result_dos, h, nb + 1, _dptr(edges), _dptr(logs), _dptr(errs))
        self.dos_edges, self.dos_log_counts, self.dos_errors = edges, logs, errs
        self.dos_counts = np.exp(logs)
        self.models = []
        width = max(len(names), 1)
        features = (ctypes.c_size_t * width)()
        k, value = ctypes.c_size_t(), ctypes.c_double()
        for rank in range(lib.smi_remc_result_n_top(h)):
            call(lib.smi_remc_result_model, h, rank, width, features, ctypes.byref(k),
                 ctypes.byref(value))
            self.models.append((value.value, [names[features[i]] for i in range(k.value)]))
        prob = np.empty(len(names))
        status = lib.smi_remc_result_posterior_inclusion(h, len(names), _dptr(prob))
        if status == _capi.SMI_ENOTFOUND:
            self.posterior_inclusion = None
        elif status < 0:
            raise Error(status, last_error())
        else:
            self.posterior_inclusion = dict(zip(names, prob.tolist()))
        sweeps = lib.smi_remc_result_n_sweeps(h)
        self.trace = np.empty((R, sweeps))
        for r in range(R):
            call(lib.smi_remc_result_trace, h, r, sweeps, _dptr(self.trace[r]))
        self.elapsed_s = elapsed

    def __repr__(self):
        best = self.models[0] if self.models else None
        return '<RemcResult %d replicas, %d bins, best %r>' % (len(self.ladder),
                                                                len(self.dos_log_counts), best)


def _get(fn, handle, count):
    out = np.empty(max(count, 0))
    call(fn, handle, count, _dptr(out))
    return out


def remc(ds, criterion='bic', min_size=1, max_size=None, size=None, keep=None, top=100,
         bins=64, bin_edges=None, alpha=None, beta=None, normal_gamma=None, ratio_grid=None,
         replicas=16,
         beta_max=1.0, ladder=None, sweeps=20000, burn_in=2000, seed=1, threads=1,
         tune=False, intercept=True, standardize=True, progress=None, folds=None,
         fold_seed=None):
    """Replica-exchange Monte Carlo over the subsets of ds's features (smi_remc_run).

    criterion: any of exhaustive_search's, with alpha, beta, normal_gamma, ratio_grid,
    folds and fold_seed as there (the folds of 'cv' belong to this run: None means the
    file's fold column, else 10 folds shuffled with seed 0; ds is only read).
    The space: sizes min_size..max_size
    (forced features, keep, included), or exactly `size` (then the moves are swaps).
    replicas and beta_max give the geometric ladder 0, 1e-3 beta_max .. beta_max; or give
    `ladder` itself (increasing, starting at 0 for an exact normalisation); tune moves the
    inner temperatures during the burn-in towards even exchange rates. sweeps after
    burn_in (a sweep: one proposal per candidate feature in every replica). bins or
    bin_edges: the DOS bins (bin_edges of an exhaustive result make the two comparable).
    The result is the same for any thread count. Returns a RemcResult.
    """
    names = ds.names
    code = _criterion_code(criterion)
    keep_idx = _feature_indices(ds, keep, 'keep')
    if size is not None:
        min_size = max_size = _size_arg(size, 'size', minimum=1)
    max_arg = 0 if max_size is None else _size_arg(max_size, 'max_size', minimum=1)
    folds = fold_spec(ds, folds, fold_seed)
    rc = ctypes.c_void_p()
    call(lib.smi_remc_create, ctypes.byref(rc))
    try:
        if ladder is not None:
            betas = np.ascontiguousarray(ladder, dtype=np.float64)
            call(lib.smi_remc_set_ladder, rc, _dptr(betas), betas.size)
        else:
            call(lib.smi_remc_set_replicas, rc, _size_arg(replicas, 'replicas'), float(beta_max))
        call(lib.smi_remc_set_sweeps, rc, _size_arg(sweeps, 'sweeps'),
             _size_arg(burn_in, 'burn_in'))
        call(lib.smi_remc_set_seed, rc, int(seed) & 0xFFFFFFFFFFFFFFFF)
        call(lib.smi_remc_set_threads, rc, _size_arg(threads, 'threads'))
        call(lib.smi_remc_set_tuning, rc, 1 if tune else 0)
        with _Config() as cfg, _Progress(progress) as prog:
            _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                             ratio_grid)
            cfg.set_folds(folds)
            cfg.set('model_prior', _capi.SMI_MODEL_PRIOR_NONE, 0.5)
            cfg.set('size_range', _size_arg(min_size, 'min_size'), max_arg)
            if keep_idx:
                cfg.set('keep', _size_array(keep_idx), len(keep_idx))
            cfg.set('top', _size_arg(top, 'top', minimum=1))
            if bin_edges is not None:
                edges = np.ascontiguousarray(bin_edges, dtype=np.float64)
                cfg.set('bin_edges', _dptr(edges), edges.size)
            else:
                cfg.set('bins', _size_arg(bins, 'bins'))
            cfg.set('progress', prog.c_func, None)
            handle = ctypes.c_void_p()
            start = time.perf_counter()
            status = lib.smi_remc_run(ds._h, cfg.handle, rc, ctypes.byref(handle))
            elapsed = time.perf_counter() - start
            message = last_error() if status < 0 else None
        try:
            prog.raise_pending()  # the callback's exception first: it caused SMI_ECANCELED
        except BaseException:
            if handle:
                lib.smi_remc_result_free(handle)
            raise
        if status < 0:
            raise Error(status, message)
        try:
            return RemcResult(handle, names, elapsed)
        finally:
            lib.smi_remc_result_free(handle)
    finally:
        lib.smi_remc_free(rc)
