"""
    SparseMI

Julia bindings of libsparsemi, sparse modeling for materials science. The library is the
path in the environment variable `SPARSEMI_LIBRARY` (read when the package is compiled),
else the soname `libsparsemi.so.0`. The `smi_*` ccall wrappers and `SMI_*` constants are
generated from include/sparsemi.h into LibSparseMI.jl; this file is the thin layer above.

    ds = SparseMI.Dataset("octet_binaries.csv"; target = "dE_RS_ZB")
    SparseMI.n(ds), SparseMI.p(ds), names(ds), SparseMI.X(ds), SparseMI.y(ds)
    res = exhaustive_search(ds; criterion = "rss", max_size = 3)
    SparseMI.models(res)[1], SparseMI.best_by_size(res)[2].rmse, SparseMI.dos(res).counts
"""
module SparseMI

export Dataset, SparseMIError, exhaustive_search, score_subset, SearchResult, Model

const libsparsemi = get(ENV, "SPARSEMI_LIBRARY", "libsparsemi.so.0")

include("LibSparseMI.jl")

function __init__()
    major = smi_version_number() ÷ 10000
    major == SMI_VERSION_MAJOR || error("libsparsemi ", unsafe_string(smi_version_string()),
        " is loaded, but SparseMI was generated for major version ", SMI_VERSION_MAJOR)
end

# ----------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------

"""
    SparseMIError(status, name, msg)

A libsparsemi call failed: `status` is the negative `SMI_E*` code, `name` its short name
(smi_strerror) and `msg` the library's message (smi_last_error).
"""
struct SparseMIError <: Exception
    status::Int
    name::String
    msg::String
end

Base.showerror(io::IO, e::SparseMIError) =
    print(io, "SparseMIError: ", e.msg, " (", e.name, ", status ", e.status, ")")

# The one place where a status becomes an exception.
function check(status::Integer)
    if status < 0
        msg = unsafe_string(smi_last_error())   # copy now: valid until the next call
        throw(SparseMIError(status, unsafe_string(smi_strerror(status)), msg))
    end
    return Int(status)
end

# A String without NUL characters, for a `const char *` argument.
function cstring(s::AbstractString)
    str = String(s)
    occursin('\0', str) && throw(ArgumentError("string contains a NUL character: $(repr(str))"))
    return str
end

# The strings and an array of pointers to them, for a `const char *const *` argument.
# Keep both alive (GC.@preserve) while the library reads them.
function cstrings(list)
    strs = String[cstring(s) for s in list]
    return strs, Ptr{Cchar}[pointer(s) for s in strs]
end

# A copy of the immutable struct `s` (a C options struct) with some fields replaced.
with_fields(s::T, changes::AbstractDict{Symbol}) where {T} =
    T((get(changes, f, getfield(s, f)) for f in fieldnames(T))...)

# ----------------------------------------------------------------------------------
# Dataset
# ----------------------------------------------------------------------------------

"""
    Dataset(X::AbstractMatrix, y::AbstractVector; names=nothing, target=nothing)
    Dataset(path::AbstractString; target=nothing, features=nothing,
            label_column=nothing, fold_column=nothing)

A libsparsemi data set: X (n samples x p features) and the target y, from arrays (copied)
or from a delimited text file with a header row; `fold_column` names a column of integer
fold ids, kept as data (not a feature) for the runs given `folds = nothing`. A data set is
read-only: a run's folds are its own arguments. Freed by the garbage collector, or at
once by `close(ds)`.
"""
mutable struct Dataset
    handle::Ptr{Cvoid}

    # Takes ownership of a handle from smi_dataset_create or smi_dataset_read_csv.
    function Dataset(handle::Ptr{Cvoid})
        handle == C_NULL && throw(ArgumentError("NULL smi_dataset handle"))
        return finalizer(close, new(handle))
    end
end

function Dataset(X::AbstractMatrix{<:Real}, y::AbstractVector{<:Real};
                 names=nothing, target=nothing)
    nrow, ncol = size(X)
    length(y) == nrow ||
        throw(DimensionMismatch("y has $(length(y)) values for the $nrow rows of X"))
    # Julia is column-major: the p x n transpose has the memory layout of row-major n x p.
    rowmajor = Matrix{Float64}(permutedims(X))
    yvec = Vector{Float64}(y)
    strs, ptrs = cstrings(names === nothing ? () : names)
    names === nothing || length(ptrs) == ncol ||
        throw(DimensionMismatch("$(length(ptrs)) names for $ncol features"))
    out = Ref{Ptr{Cvoid}}(C_NULL)
    GC.@preserve strs begin
        check(smi_dataset_create(out, nrow, ncol, rowmajor, yvec,
                                 names === nothing ? C_NULL : ptrs,
                                 target === nothing ? C_NULL : cstring(target)))
    end
    return Dataset(out[])
end

function Dataset(path::AbstractString; target=nothing, features=nothing,
                 label_column=nothing, fold_column=nothing)
    opt = Ref{smi_csv_options}()
    smi_csv_options_init(opt)
    tgt, lab, fold = map(s -> s === nothing ? nothing : cstring(s),
                         (target, label_column, fold_column))
    strs, ptrs = cstrings(features === nothing ? () : features)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    GC.@preserve tgt lab fold strs ptrs begin
        changes = Dict{Symbol,Any}()
        tgt === nothing || (changes[:target] = pointer(tgt))
        lab === nothing || (changes[:label_column] = pointer(lab))
        fold === nothing || (changes[:fold_column] = pointer(fold))
        if features !== nothing
            changes[:features] = pointer(ptrs)
            changes[:n_features] = length(ptrs)
        end
        opt[] = with_fields(opt[], changes)
        check(smi_dataset_read_csv(out, cstring(path), opt))
    end
    return Dataset(out[])
end

"""
    close(ds::Dataset)

Free the C data set now; `ds` is unusable afterwards. Calling it again does nothing.
"""
function Base.close(ds::Dataset)
    if ds.handle != C_NULL
        smi_dataset_free(ds.handle)
        ds.handle = C_NULL
    end
    return nothing
end

handle(ds::Dataset) =
    ds.handle == C_NULL ? throw(ArgumentError("the Dataset is closed")) : ds.handle

"Number of samples."
n(ds::Dataset) = Int(smi_dataset_n(handle(ds)))

"Number of features."
p(ds::Dataset) = Int(smi_dataset_p(handle(ds)))

"Feature names, a `Vector{String}` of length p."
Base.names(ds::Dataset) =
    [unsafe_string(smi_dataset_feature_name(handle(ds), j - 1)) for j in 1:p(ds)]

"The target's name."
target(ds::Dataset) = unsafe_string(smi_dataset_target_name(handle(ds)))

"Row labels from a CSV label column, or `nothing`."
function labels(ds::Dataset)
    smi_dataset_has_labels(handle(ds)) == 0 && return nothing
    return [unsafe_string(smi_dataset_label(handle(ds), i - 1)) for i in 1:n(ds)]
end

"A copy of the design matrix, n x p."
function X(ds::Dataset)
    buf = Matrix{Float64}(undef, p(ds), n(ds))   # row-major n x p, seen column-major
    check(smi_dataset_get_X(handle(ds), buf, length(buf)))
    return permutedims(buf)
end

"A copy of the target, n values."
function y(ds::Dataset)
    buf = Vector{Float64}(undef, n(ds))
    check(smi_dataset_get_y(handle(ds), buf, length(buf)))
    return buf
end

function Base.show(io::IO, ds::Dataset)
    if ds.handle == C_NULL
        print(io, "SparseMI.Dataset(closed)")
    else
        print(io, "SparseMI.Dataset(n=", n(ds), ", p=", p(ds), ", target=",
              repr(target(ds)), ")")
    end
end

# ----------------------------------------------------------------------------------
# Exhaustive search
# ----------------------------------------------------------------------------------

"""
    Model

One fitted model of an exhaustive search: `rank` (1 = best; `nothing` in `best_by_size`),
`features` (names) and `indices` (1-based, ascending), `criterion` (smaller is better),
`intercept` (`nothing` when the search fitted none), `coefficients` (name => value, in
the data's units) and the training `rmse` = sqrt(RSS/n), all from a QR refit.
"""
struct Model
    rank::Union{Int,Nothing}
    features::Vector{String}
    indices::Vector{Int}
    criterion::Float64
    intercept::Union{Float64,Nothing}
    coefficients::Dict{String,Float64}
    rmse::Float64
end

"""
    SearchResult

The result of `exhaustive_search` (an smi_search_result). Read it with `criterion`, `n_models`,
`n_singular`, `models`, `best_by_size`, `dos`, `feature_frequency` and `weight_diagram`;
the model posterior of a free-energy search with `has_posterior`, `log_evidence_total`,
`posterior_inclusion`, `size_posterior`, `dos_posterior` and `model_average` (each
`nothing` when the result has none). Freed by the garbage collector, or at once by `close(res)`.
"""
mutable struct SearchResult
    handle::Ptr{Cvoid}
    names::Vector{String}   # the data set's feature names
    intercept::Bool
    min_size::Int

    function SearchResult(handle::Ptr{Cvoid}, names, intercept, min_size)
        handle == C_NULL && throw(ArgumentError("NULL smi_search_result handle"))
        return finalizer(close, new(handle, names, intercept, min_size))
    end
end

function Base.close(res::SearchResult)
    if res.handle != C_NULL
        smi_search_result_free(res.handle)
        res.handle = C_NULL
    end
    return nothing
end

handle(res::SearchResult) =
    res.handle == C_NULL ? throw(ArgumentError("the SearchResult is closed")) : res.handle

einval(msg) = SparseMIError(SMI_EINVAL, unsafe_string(smi_strerror(SMI_EINVAL)), msg)

# A criterion name ("rss", "aic", "bic", "fe", "cv", "loo", "fe-ng", "fe-opt", "fe-marg")
# or SMI_CRIT_* value.
function criterion_code(c)
    c isa Integer && return Int(c)
    code = Ref{Cint}(0)
    check(smi_criterion_from_name(cstring(c), code))
    return Int(code[])
end

# A feature name or 1-based index -> the 0-based index the library takes.
function feature_index(ds::Dataset, f)
    if f isa Integer
        f >= 1 || throw(einval("feature index $f: indices start at 1"))
        return Csize_t(f - 1)
    end
    index = Ref{Csize_t}(0)
    check(smi_dataset_feature_index(handle(ds), cstring(f), index))
    return index[]
end

feature_indices(ds::Dataset, fs) =
    fs === nothing ? Csize_t[] :
    (fs isa AbstractString || fs isa Integer) ? [feature_index(ds, fs)] :
    Csize_t[feature_index(ds, f) for f in fs]

# The folds of a run's CV criterion, set on its configuration `cfg` (an smi_search; the data
# set is only read, never changed): folds = nothing: the file's fold column when `ds` was read
# with one (smi_dataset_get_folds, passed as fold ids), else nothing is set and the library's
# default holds (10 folds shuffled with seed 0, as `sparsemi es --criterion cv`); an integer
# K: K folds shuffled with fold_seed (nothing: seed 0, as `--folds K`; "none" or :none:
# unshuffled, sample i in fold i mod K); else one integer fold id per sample.
# set_ids and set_kfold are the configuration's setters (smi_search_set_fold_ids and
# smi_search_set_folds, or the smi_lasso ones).
function set_folds(cfg, ds::Dataset, folds, fold_seed;
                   set_kfold=smi_search_set_folds, set_ids=smi_search_set_fold_ids)
    h = handle(ds)
    if folds === nothing
        fold_seed === nothing || throw(ArgumentError("fold_seed needs folds = K"))
        smi_dataset_n_folds(h) == 0 && return nothing
        ids = Vector{Cint}(undef, n(ds))
        check(smi_dataset_get_folds(h, ids, length(ids)))
        check(set_ids(cfg, ids, length(ids)))
    elseif folds isa Integer
        folds >= 2 || throw(einval("$folds folds: K-fold cross-validation needs K >= 2"))
        if fold_seed === nothing
            check(set_kfold(cfg, folds, 1, 0))
        elseif fold_seed == "none" || fold_seed === :none
            check(set_kfold(cfg, folds, 0, 0))
        elseif fold_seed isa Integer && 0 <= fold_seed <= typemax(UInt64)
            check(set_kfold(cfg, folds, 1, UInt64(fold_seed)))
        else
            throw(ArgumentError("fold_seed must be nothing, \"none\" or an integer in " *
                                "[0, 2^64), not $(repr(fold_seed))"))
        end
    else
        fold_seed === nothing ||
            throw(ArgumentError("fold_seed applies to folds = K, not to given fold ids"))
        length(folds) == n(ds) ||
            throw(ArgumentError("$(length(folds)) fold ids for $(n(ds)) samples"))
        ids = Vector{Cint}(folds)
        check(set_ids(cfg, ids, length(ids)))
    end
    return nothing
end

# A model prior name ("uniform", "bernoulli", "none") or nothing -> SMI_MODEL_PRIOR_*.
function model_prior_code(m)
    m === nothing && return SMI_MODEL_PRIOR_NONE
    m == "none" && return SMI_MODEL_PRIOR_NONE
    m == "uniform" && return SMI_MODEL_PRIOR_UNIFORM
    m == "bernoulli" && return SMI_MODEL_PRIOR_BERNOULLI
    throw(ArgumentError("model_prior must be \"uniform\", \"bernoulli\", \"none\" or " *
                        "nothing, not $(repr(m))"))
end

# Run f(cfg) with a new smi_search holding the settings shared with score_subset; freed after.
# normal_gamma: nothing or (lambda, a0, b0), for fe-ng and fe-marg (which uses a0, b0 only);
# ratio_grid: nothing or (lo, hi, count), for fe-opt and fe-marg.
function with_config(f, code, alpha, beta, intercept, standardize;
                     normal_gamma=nothing, ratio_grid=nothing)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    check(smi_search_create(out))
    cfg = out[]
    try
        check(smi_search_set_criterion(cfg, code))
        if alpha !== nothing || beta !== nothing
            code == SMI_CRIT_FE || throw(einval("alpha and beta apply to criterion fe only"))
            check(smi_search_set_fe_hyper(cfg, alpha === nothing ? 1e-2 : alpha,
                                          beta === nothing ? 1.0 : beta))
        end
        if normal_gamma !== nothing
            length(normal_gamma) == 3 ||
                throw(ArgumentError("normal_gamma must be (lambda, a0, b0)"))
            code == SMI_CRIT_FE_NG || code == SMI_CRIT_FE_MARG ||
                throw(einval("normal_gamma applies to criteria fe-ng and fe-marg only"))
            lam, a0, b0 = normal_gamma
            check(smi_search_set_normal_gamma(cfg, lam, a0, b0))
        end
        if ratio_grid !== nothing
            length(ratio_grid) == 3 ||
                throw(ArgumentError("ratio_grid must be (lo, hi, count)"))
            code == SMI_CRIT_FE_OPT || code == SMI_CRIT_FE_MARG ||
                throw(einval("ratio_grid applies to criteria fe-opt and fe-marg only"))
            lo, hi, count = ratio_grid
            count isa Integer && count >= 0 ||
                throw(einval("ratio_grid count = $count: must be a non-negative integer"))
            check(smi_search_set_ratio_grid(cfg, lo, hi, count))
        end
        check(smi_search_set_intercept(cfg, intercept ? 1 : 0))
        check(smi_search_set_standardize(cfg, standardize ? 1 : 0))
        return f(cfg)
    finally
        smi_search_free(cfg)
    end
end

# The progress callback's state, passed to the C library as its `user` pointer.
mutable struct ProgressState
    f::Any
    error::Any   # nothing, or the exception the callback threw
end

function progress_trampoline(user::Ptr{Cvoid}, fraction::Cdouble)::Cint
    state = unsafe_pointer_to_objref(user)::ProgressState
    state.error === nothing || return Cint(1)
    try
        state.f === nothing || state.f(fraction)
    catch err
        state.error = err
        return Cint(1)
    end
    return Cint(0)
end

"""
    exhaustive_search(ds; criterion="bic", folds=nothing, fold_seed=nothing, min_size=1,
                      max_size=nothing, keep=nothing, top=100, bins=64, bin_edges=nothing,
                      alpha=nothing, beta=nothing, threads=1, intercept=true,
                      standardize=true, progress=nothing, normal_gamma=nothing,
                      ratio_grid=nothing, model_prior="uniform", prior_q=0.5) -> SearchResult

Score every subset of the features with `min_size` <= k <= `max_size` (nothing: p),
`keep` (names or 1-based indices) forced into every model, by `criterion` ("rss", "aic",
"bic", "fe", "cv", "loo", "fe-ng", "fe-opt", "fe-marg"). `folds`, `fold_seed`: the folds
of "cv", this run's own (set on its configuration; `ds` is only read): `folds` nothing
(the file's fold column when `ds` was read with one, else 10 folds shuffled with seed 0,
the library's and the CLI's default), K (shuffled with `fold_seed`: nothing for seed 0,
as `--folds K`, or `"none"` for sample i in fold i mod K), or a fold id per sample.
`alpha`, `beta`: the hyperparameters of "fe";
`normal_gamma` = (lambda, a0, b0): the prior of "fe-ng" and "fe-marg" (a0, b0 only);
`ratio_grid` = (lo, hi, count): the grid of "fe-opt" and "fe-marg". `model_prior`: the prior
over models of the posterior of the free-energy criteria, "uniform", "bernoulli" (each free
feature in with probability `prior_q`) or "none" / nothing (no posterior).
`progress`: nothing or a function of the fraction done; an exception it throws cancels
the search and is rethrown.
"""
function exhaustive_search(ds::Dataset; criterion="bic", folds=nothing, fold_seed=nothing,
                           min_size::Integer=1, max_size=nothing, keep=nothing,
                           top::Integer=100, bins::Integer=64, bin_edges=nothing,
                           alpha=nothing, beta=nothing, threads::Integer=1,
                           intercept::Bool=true, standardize::Bool=true, progress=nothing,
                           normal_gamma=nothing, ratio_grid=nothing, model_prior="uniform",
                           prior_q::Real=0.5)
    min_size >= 0 || throw(einval("min_size = $min_size: must be at least 0"))
    prior_code = model_prior_code(model_prior)
    q = prior_code == SMI_MODEL_PRIOR_BERNOULLI ? Float64(prior_q) : 0.5
    max_size === nothing || max_size >= 1 ||
        throw(einval("max_size = $max_size: must be at least 1 (nothing: p)"))
    code = criterion_code(criterion)
    keep_idx = feature_indices(ds, keep)
    state = ProgressState(progress, nothing)
    fn = @cfunction(progress_trampoline, Cint, (Ptr{Cvoid}, Cdouble))
    out = Ref{Ptr{Cvoid}}(C_NULL)
    status = with_config(code, alpha, beta, intercept, standardize;
                         normal_gamma=normal_gamma, ratio_grid=ratio_grid) do cfg
        set_folds(cfg, ds, folds, fold_seed)
        check(smi_search_set_model_prior(cfg, prior_code, q))
        check(smi_search_set_size_range(cfg, min_size,
                                        max_size === nothing ? 0 : max_size))
        isempty(keep_idx) || check(smi_search_set_keep(cfg, keep_idx, length(keep_idx)))
        check(smi_search_set_top(cfg, top))
        if bin_edges === nothing
            check(smi_search_set_bins(cfg, bins))
        else
            edges = Vector{Float64}(bin_edges)
            check(smi_search_set_bin_edges(cfg, edges, length(edges)))
        end
        check(smi_search_set_threads(cfg, threads))
        GC.@preserve state begin
            check(smi_search_set_progress(cfg, fn, pointer_from_objref(state)))
            st = smi_search_run(handle(ds), cfg, out)
            # Copy the message now: it is valid until the next library call.
            st < 0 ? (st, unsafe_string(smi_last_error())) : (st, "")
        end
    end
    if state.error !== nothing
        out[] == C_NULL || smi_search_result_free(out[])
        throw(state.error)
    end
    if status[1] < 0
        throw(SparseMIError(status[1], unsafe_string(smi_strerror(status[1])), status[2]))
    end
    return SearchResult(out[], names(ds), intercept, max(Int(min_size), length(keep_idx)))
end

"""
    score_subset(ds, features; criterion="bic", folds=nothing, fold_seed=nothing,
                 alpha=nothing, beta=nothing, intercept=true, standardize=true,
                 normal_gamma=nothing, ratio_grid=nothing) -> Float64

The criterion of one subset (names or 1-based indices), by QR, with the definitions of
`exhaustive_search` (`folds` and `fold_seed` as there). Throws SparseMIError (SMI_ESINGULAR
for a rank-deficient subset).
"""
function score_subset(ds::Dataset, features; criterion="bic", folds=nothing,
                      fold_seed=nothing, alpha=nothing, beta=nothing, intercept::Bool=true,
                      standardize::Bool=true, normal_gamma=nothing, ratio_grid=nothing)
    code = criterion_code(criterion)
    subset = feature_indices(ds, features)
    value = Ref{Cdouble}(0.0)
    with_config(code, alpha, beta, intercept, standardize;
                normal_gamma=normal_gamma, ratio_grid=ratio_grid) do cfg
        set_folds(cfg, ds, folds, fold_seed)
        check(smi_search_score_subset(handle(ds), cfg, subset, length(subset), value))
    end
    return value[]
end

"""
The criterion's name: "rss", "aic", "bic", "fe", "cv", "loo", "fe-ng", "fe-opt" or "fe-marg".
"""
criterion(res::SearchResult) = unsafe_string(smi_criterion_name(smi_search_result_criterion(handle(res))))

"The number of subsets scored."
n_models(res::SearchResult) = Int(smi_search_result_n_models(handle(res)))

"The number of subsets skipped as singular."
n_singular(res::SearchResult) = Int(smi_search_result_n_singular(handle(res)))

function make_model(res::SearchResult, rank, k, feats, coefs, crit, icpt, rmse)
    idx = Int[Int(j) + 1 for j in feats[1:k]]
    fnames = res.names[idx]
    return Model(rank, fnames, idx, crit, res.intercept ? icpt : nothing,
                 Dict{String,Float64}(zip(fnames, coefs[1:k])), rmse)
end

"The top models, best first (`Vector{Model}`, rank 1, 2, ...)."
function models(res::SearchResult)
    h = handle(res)
    cap = max(Int(smi_search_result_max_size(h)), 1)
    feats, coefs = Vector{Csize_t}(undef, cap), Vector{Float64}(undef, cap)
    k, crit, icpt, rmse = Ref{Csize_t}(0), Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
    out = Model[]
    for rank in 1:Int(smi_search_result_n_top(h))
        check(smi_search_result_model(h, rank - 1, cap, feats, coefs, k, crit, icpt, rmse))
        push!(out, make_model(res, rank, Int(k[]), feats, coefs, crit[], icpt[], rmse[]))
    end
    return out
end

"The best model of each size that has a scored subset: `Dict` size => `Model` (rank nothing)."
function best_by_size(res::SearchResult)
    h = handle(res)
    out = Dict{Int,Model}()
    crit, icpt, rmse = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
    for k in res.min_size:Int(smi_search_result_max_size(h))
        feats, coefs = Vector{Csize_t}(undef, max(k, 1)), Vector{Float64}(undef, max(k, 1))
        status = smi_search_result_best_of_size(h, k, k, feats, coefs, crit, icpt, rmse)
        status == SMI_ENOTFOUND && continue
        check(status)
        out[k] = make_model(res, nothing, k, feats, coefs, crit[], icpt[], rmse[])
    end
    return out
end

"The density of states: `(edges, counts, below, above)`, B + 1 edges and B counts."
function dos(res::SearchResult)
    h = handle(res)
    nbins = Int(smi_search_result_n_bins(h))
    edges = Vector{Float64}(undef, nbins + 1)
    counts = zeros(UInt64, nbins + 1)   # one capacity for both arrays
    below, above = Ref{UInt64}(0), Ref{UInt64}(0)
    check(smi_search_result_dos(h, nbins + 1, edges, counts, below, above))
    return (edges = edges, counts = counts[1:nbins], below = Int(below[]), above = Int(above[]))
end

"Per feature name, the fraction of the top models that use it."
function feature_frequency(res::SearchResult)
    h = handle(res)
    nfeat = Int(smi_search_result_p(h))
    freq = Vector{Float64}(undef, max(nfeat, 1))
    check(smi_search_result_feature_frequency(h, nfeat, freq))
    return Dict{String,Float64}(zip(res.names, freq[1:nfeat]))
end

"Top models x features: model r's coefficient of feature j, 0 where it is not used."
function weight_diagram(res::SearchResult)
    h = handle(res)
    ntop, nfeat = Int(smi_search_result_n_top(h)), Int(smi_search_result_p(h))
    buf = zeros(Float64, nfeat, ntop)   # row-major ntop x nfeat, seen column-major
    isempty(buf) || check(smi_search_result_weight_diagram(h, length(buf), buf))
    return permutedims(buf)
end

# The model posterior of a free-energy search: `nothing` where the result has none
# (SMI_ENOTFOUND: another criterion, or model_prior "none").

"ln sum_S p(y | S) p(S), the evidence of all the models; `nothing` without a posterior."
function log_evidence_total(res::SearchResult)
    value = Ref{Cdouble}(0)
    status = smi_search_result_log_evidence_total(handle(res), value)
    status == SMI_ENOTFOUND && return nothing
    check(status)
    return value[]
end

"Whether the result holds a model posterior."
has_posterior(res::SearchResult) = log_evidence_total(res) !== nothing

# `count` values from f(handle, capacity, buffer), or nothing on SMI_ENOTFOUND.
function posterior_vector(f, res::SearchResult, count::Integer)
    buf = zeros(Float64, max(count, 1))
    status = f(handle(res), count, buf)
    status == SMI_ENOTFOUND && return nothing
    check(status)
    return buf[1:count]
end

"Per feature, the posterior probability that it is in the model; `nothing` without a posterior."
posterior_inclusion(res::SearchResult) =
    posterior_vector(smi_search_result_posterior_inclusion, res, Int(smi_search_result_p(handle(res))))

"The posterior of each size k = 0, ..., max_size (element k + 1); `nothing` without one."
size_posterior(res::SearchResult) =
    posterior_vector(smi_search_result_size_posterior, res, Int(smi_search_result_max_size(handle(res))) + 1)

"The posterior mass of each DOS bin (as `dos(res).counts`); `nothing` without a posterior."
dos_posterior(res::SearchResult) =
    posterior_vector(smi_search_result_dos_posterior, res, Int(smi_search_result_n_bins(handle(res))))

"""
    model_average(res) -> (coefficients, intercept, mass, exact) or nothing

The posterior mean of the coefficients over the models (name => value, data units), of the
intercept, the posterior mass averaged over and whether that was every scored subset.
"""
function model_average(res::SearchResult)
    h = handle(res)
    nfeat = Int(smi_search_result_p(h))
    coef = zeros(Float64, max(nfeat, 1))
    icpt, mass = Ref{Cdouble}(0), Ref{Cdouble}(0)
    status = smi_search_result_model_average(h, nfeat, coef, icpt, mass)
    status == SMI_ENOTFOUND && return nothing
    check(status)
    return (coefficients = Dict{String,Float64}(zip(res.names, coef[1:nfeat])),
            intercept = icpt[], mass = mass[], exact = mass[] == 1.0)
end

function Base.show(io::IO, res::SearchResult)
    if res.handle == C_NULL
        print(io, "SparseMI.SearchResult(closed)")
    else
        print(io, "SparseMI.SearchResult(criterion=", repr(criterion(res)), ", n_models=",
              n_models(res), ", n_singular=", n_singular(res), ")")
    end
end

end # module
