"""Replica-exchange Monte Carlo over subsets and its multiple-histogram density of states
(smi_remc_run; include/sparsemi.h, "Approximate exhaustive search")."""

import ctypes
import time

import numpy as np

from . import _capi
from ._common import (Config, DataResult, Progress, call, criterion_code, data_id, dataset_arg,
                      double_array, dptr, null, read_doubles, seed_arg, size_arg)
from ._folds import fold_spec
from ._lib import lib
from .search import _configure_model, _configure_space

__all__ = ['RemcResult', 'remc']


class RemcResult(DataResult):
    """What a replica-exchange run found, copied out of the library.

    ladder, acceptance (per inverse temperature), exchange_rates (between neighbours);
    n_states, the exact number of subsets in the space; dos_edges, dos_log_counts (ln of the
    estimated number of subsets per bin, -inf where none was seen) and dos_errors (their
    standard errors, nan where a block missed the bin); dos_counts = exp(dos_log_counts);
    models, the best distinct subsets visited as (criterion, [feature names]) refitted
    exactly; posterior_inclusion (a dict name -> probability at inverse temperature 1, or
    None); trace, an (R, sweeps) array of energies; n_proposals; elapsed_s; features and
    data (the DataId of the data sampled; matches(ds))."""

    def __init__(self, handle, elapsed):
        h = handle
        self.data = data_id(lib.smi_remc_result_data(h))
        self.features = names = list(self.data.features)
        R = lib.smi_remc_result_n_replicas(h)
        self.ladder = read_doubles(lib.smi_remc_result_ladder, h, R)
        self.acceptance = read_doubles(lib.smi_remc_result_acceptance, h, R)
        self.exchange_rates = read_doubles(lib.smi_remc_result_exchange_rates, h, R - 1)
        self.n_states = lib.smi_remc_result_n_states(h)
        self.n_proposals = lib.smi_remc_result_n_proposals(h)
        nb = lib.smi_remc_result_n_bins(h)
        edges, logs, errs = np.empty(nb + 1), np.empty(nb), np.empty(nb)
        call(lib.smi_remc_result_dos, h, nb + 1, dptr(edges), dptr(logs), dptr(errs))
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
        if call(lib.smi_remc_result_posterior_inclusion, h, len(names), dptr(prob),
                allowed=(_capi.SMI_ENOTFOUND,)) < 0:
            self.posterior_inclusion = None
        else:
            self.posterior_inclusion = dict(zip(names, prob.tolist()))
        sweeps = lib.smi_remc_result_n_sweeps(h)
        self.trace = np.empty((R, sweeps))
        for r in range(R):
            call(lib.smi_remc_result_trace, h, r, sweeps, dptr(self.trace[r]))
        self.elapsed_s = elapsed

    def __repr__(self):
        best = self.models[0] if self.models else None
        return '<RemcResult %d replicas, %d bins, best %r>' % (len(self.ladder),
                                                                len(self.dos_log_counts), best)


def remc(ds, criterion=None, min_size=None, max_size=None, size=None, keep=None, top=None,
         bins=None, bin_edges=None, alpha=None, beta=None, normal_gamma=None, ratio_grid=None,
         replicas=None, beta_max=None, ladder=None, sweeps=None, burn_in=None, seed=None,
         threads=None, tune=None, intercept=None, standardize=None, progress=None, folds=None,
         fold_seed=None):
    """Replica-exchange Monte Carlo over the subsets of ds's features (smi_remc_run).

    Every setting left None is the library's default (smi_search_create for the criterion
    and the space, smi_remc_create for the sampler: 16 replicas up to beta_max 1, 20000
    sweeps after 2000 of burn-in, seed 1, tuning off, every core).
    criterion: any of exhaustive_search's, with alpha, beta, normal_gamma, ratio_grid,
    folds and fold_seed as there (the folds of 'cv' belong to this run: None means the
    file's fold column, else the library's; ds is only read).
    The space: sizes min_size..max_size
    (forced features, keep, included), or exactly `size` (then the moves are swaps).
    replicas and beta_max give the geometric ladder 0, 1e-3 beta_max .. beta_max; or give
    `ladder` itself (increasing, starting at 0 for an exact normalisation); tune moves the
    inner temperatures during the burn-in towards even exchange rates. sweeps after
    burn_in (a sweep: one proposal per candidate feature in every replica). bins or
    bin_edges: the DOS bins (bin_edges of an exhaustive result make the two comparable).
    The result is the same for any thread count. Returns a RemcResult.
    """
    dataset_arg(ds)
    if size is not None:
        min_size = max_size = size_arg(size, 'size', minimum=1)
    folds = fold_spec(ds, folds, fold_seed)
    with Config('remc') as rc, Config('search') as cfg, Progress(progress) as prog:
        if ladder is not None:
            betas = double_array(ladder, 'ladder')
            rc.set('ladder', dptr(betas), betas.size)
        elif replicas is not None or beta_max is not None:
            lib_r, lib_max = rc.get('replicas', ctypes.c_size_t, ctypes.c_double)
            rc.set('replicas', lib_r if replicas is None else size_arg(replicas, 'replicas'),
                   lib_max if beta_max is None else float(beta_max))
        if sweeps is not None or burn_in is not None:
            lib_sweeps, lib_burn = rc.get('sweeps', ctypes.c_size_t, ctypes.c_size_t)
            rc.set('sweeps', lib_sweeps if sweeps is None else size_arg(sweeps, 'sweeps'),
                   lib_burn if burn_in is None else size_arg(burn_in, 'burn_in'))
        if seed is not None:
            rc.set('seed', seed_arg(seed))
        if threads is not None:
            rc.set('threads', size_arg(threads, 'threads'))
        if tune is not None:
            rc.set('tuning', 1 if tune else 0)
        code = (cfg.get('criterion', ctypes.c_int) if criterion is None
                else criterion_code(criterion))
        _configure_model(cfg, code, alpha, beta, intercept, standardize, normal_gamma,
                         ratio_grid)
        folds.apply(lib.smi_search_set_folds, lib.smi_search_set_fold_ids, cfg.handle)
        cfg.set('model_prior', _capi.SMI_MODEL_PRIOR_NONE,   # a posterior is the search's
                cfg.get('model_prior', ctypes.c_int, ctypes.c_double)[1])
        _configure_space(cfg, ds, min_size, max_size, keep, top, bins, bin_edges)
        cfg.set('progress', prog.c_func, None)
        handle = null('remc_result')
        start = time.perf_counter()
        prog.run(lib.smi_remc_run, ds._h, cfg.handle, rc.handle, ctypes.byref(handle),
                 free=lib.smi_remc_result_free)
        elapsed = time.perf_counter() - start
    try:
        return RemcResult(handle, elapsed)
    finally:
        lib.smi_remc_result_free(handle)
