"""
    SparseMI

Julia bindings of libsparsemi, sparse modeling for materials science. The library is the
path in the environment variable `SPARSEMI_LIBRARY` (read when the package is compiled),
else the soname `libsparsemi.so.0`. The `smi_*` ccall wrappers and `SMI_*` constants are
generated from include/sparsemi.h into LibSparseMI.jl; this file is the thin layer above,
covering what the Python package covers, with the same meanings:

  * data sets: `Dataset` (from arrays or a CSV file), its contents, `problems`,
    `condition_number`, the file's fold column (`folds`) and its identity (`data_id`);
  * exhaustive search: `exhaustive_search`, `score_subset`, `SearchResult` (top models, best
    of each size, DOS, `rank`, model posterior and `model_average`), `save_result`,
    `load_result`, `merge_results`;
  * Bayesian evidence of one model: `evidence`;
  * replica exchange: `remc`;
  * sparse paths: `lasso_path`, `lasso_cv`, `lars_path`, and along either path `supports`,
    `best_support` (the LARS-OLS hybrid) and `on_dos` (each support ranked among the
    subsets of an exhaustive search);
  * virtual measurement analysis: `vma`;
  * what every result holds of its run: `config(res)` (the configuration that produced it,
    read through the library's getters), `data_id(res)` (the identity of its data: feature
    names, target name, n, p, fingerprint) and `matches(res, ds)`; `defaults(kind)` gives
    the library's defaults of each configuration.

Conventions: feature indices are 1-based (the library's are 0-based); features may be given
by name or index; results name their features. Every keyword left at `nothing` keeps the
library's default (see `defaults`). A failing library call throws `SparseMIError` with the
library's status and message.

    ds = Dataset("octet_binaries.csv"; target = "dE_RS_ZB")
    res = exhaustive_search(ds; criterion = "rss", max_size = 3)
    SparseMI.models(res)[1], SparseMI.best_by_size(res)[2].rmse, SparseMI.dos(res).counts
    cv = lasso_cv(ds)                       # 10 folds shuffled with seed 0, as the CLI
    cv.cv.lambda_min, SparseMI.coef_1se(cv), best_support(lars_path(ds))
"""
module SparseMI

export Dataset, SparseMIError, DataIdentity, Problem,
       exhaustive_search, score_subset, SearchResult, Model, Rank,
       save_result, load_result, merge_results,
       evidence, Evidence, remc, RemcResult,
       lasso_path, lasso_cv, lars_path, LassoPath, LarsPath, Support, SupportRank,
       supports, best_support, on_dos,
       vma, VmaResult, VmaModel,
       config, data_id, matches, defaults

const libsparsemi = get(ENV, "SPARSEMI_LIBRARY", "libsparsemi.so.0")

include("LibSparseMI.jl")

function __init__()
    major = smi_version_number() ÷ 10000
    major == SMI_VERSION_MAJOR || error("libsparsemi ", unsafe_string(smi_version_string()),
        " is loaded, but SparseMI was generated for major version ", SMI_VERSION_MAJOR)
end

"The version of the loaded library, \"MAJOR.MINOR.PATCH\" (smi_version_string)."
version() = unsafe_string(smi_version_string())

# ----------------------------------------------------------------------------------
# Errors and small helpers
# ----------------------------------------------------------------------------------

"""
    SparseMIError(status, name, msg)

A libsparsemi call failed: `status` is the negative `SMI_E*` code, `name` its short name
(smi_strerror) and `msg` the library's message (smi_last_error). Arguments that the
library would refuse as invalid (SMI_EINVAL) are reported the same way by this layer.
"""
struct SparseMIError <: Exception
    status::Int
    name::String
    msg::String
end

SparseMIError(status::Integer, msg::AbstractString) =
    SparseMIError(Int(status), unsafe_string(smi_strerror(status)), String(msg))

Base.showerror(io::IO, e::SparseMIError) =
    print(io, "SparseMIError: ", e.msg, " (", e.name, ", status ", e.status, ")")

# The one place where a status becomes an exception.
function check(status::Integer)
    if status < 0
        msg = unsafe_string(smi_last_error())   # copy now: valid until the next call
        throw(SparseMIError(status, msg))
    end
    return Int(status)
end

einval(msg) = SparseMIError(SMI_EINVAL, msg)

# A C string (NULL -> nothing).
cstr(ptr::Ptr) = ptr == C_NULL ? nothing : unsafe_string(ptr)

# A String without NUL characters, for a `const char *` argument.
function cstring(s::AbstractString)
    str = String(s)
    occursin('\0', str) && throw(ArgumentError("string contains a NUL character: $(repr(str))"))
    return str
end
cstring(s::Symbol) = cstring(String(s))

# The strings and an array of pointers to them, for a `const char *const *` argument.
# Keep both alive (GC.@preserve) while the library reads them.
function cstrings(list)
    strs = String[cstring(s) for s in list]
    return strs, Ptr{Cchar}[pointer(s) for s in strs]
end

# A copy of the immutable struct `s` (a C options struct) with some fields replaced.
with_fields(s::T, changes::AbstractDict{Symbol}) where {T} =
    T((get(changes, f, getfield(s, f)) for f in fieldnames(T))...)

# An integer for a size_t argument, at least `min`; SMI_EINVAL otherwise.
function sizearg(x, what; min::Integer=0)
    x isa Integer || throw(ArgumentError("$what must be an integer, not $(repr(x))"))
    x >= min || throw(einval("$what = $x: must be at least $min"))
    return Csize_t(x)
end

# An integer for a uint64_t seed.
function seedarg(x, what)
    x isa Integer && 0 <= x <= typemax(UInt64) ||
        throw(ArgumentError("$what must be an integer in [0, 2^64), not $(repr(x))"))
    return UInt64(x)
end

# A tuple of `len` values, or an ArgumentError naming the expected form.
function tuplearg(x, len, what, form)
    values = try
        Tuple(x)
    catch
        throw(ArgumentError("$what must be $form, not $(repr(x))"))
    end
    length(values) == len || throw(ArgumentError("$what must be $form, not $(repr(x))"))
    return values
end

# The outputs of a getter f(h, out1, out2, ...) of the given types, as a tuple.
function getvals(f, h, types::Type...)
    refs = map(T -> Ref{T}(), types)
    check(f(h, refs...))
    return map(r -> r[], refs)
end

# The one output of a getter f(h, out) of type T.
getval(f, h, ::Type{T}) where {T} = getvals(f, h, T)[1]

# An array getter "capacity in, count out": f(h, capacity, values, count).
function getarray(f, h, ::Type{T}) where {T}
    count = Ref{Csize_t}(0)
    f(h, 0, C_NULL, count)   # SMI_EINVAL when there are values: the count is what we need
    buf = Vector{T}(undef, Int(count[]))
    isempty(buf) || check(f(h, length(buf), buf, count))
    return buf
end

# `count` values of type T from an accessor f(h, capacity, values).
function getbuf(f, h, ::Type{T}, count::Integer) where {T}
    buf = Vector{T}(undef, max(Int(count), 1))
    check(f(h, count, buf))
    return buf[1:Int(count)]
end

# Make a configuration with create(&h), run f(h), free it with free(h).
function with_new(f, create, free)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    check(create(out))
    h = out[]
    try
        return f(h)
    finally
        free(h)
    end
end

# Name <-> code tables of the library's enumerations (their values never change).
const MODEL_PRIORS = Dict("none" => SMI_MODEL_PRIOR_NONE, "uniform" => SMI_MODEL_PRIOR_UNIFORM,
                          "bernoulli" => SMI_MODEL_PRIOR_BERNOULLI)
const HYPER_MODES = Dict("fixed" => SMI_HYPER_FIXED, "optimize" => SMI_HYPER_OPTIMIZE,
                         "marginal" => SMI_HYPER_MARGINAL, "ng" => SMI_HYPER_NG)
const SCALE_PRIORS = Dict("inverse" => SMI_PRIOR_INVERSE, "gamma" => SMI_PRIOR_GAMMA,
                          "uniform" => SMI_PRIOR_UNIFORM)
const LARS_METHODS = Dict("lar" => SMI_LARS_LAR, "lasso" => SMI_LARS_LASSO)
const VMA_ROWS = Dict("resample" => SMI_VMA_RESAMPLE, "gaussian" => SMI_VMA_GAUSSIAN)
const VMA_METHODS = Dict("es" => SMI_VMA_SEARCH, "lasso" => SMI_VMA_LASSO_CV)

name_of(table, code) = first(k for (k, v) in table if v == code)

# A name (String or Symbol) of `table`, or one of its codes (an SMI_* value), or an
# ArgumentError listing the choices.
function code_of(table, x, what)
    x isa Integer && x in values(table) && return Int(x)
    key = x isa Symbol ? String(x) : x
    key isa AbstractString && haskey(table, lowercase(key)) && return table[lowercase(key)]
    throw(ArgumentError("$what must be one of $(join(sort(collect(keys(table))), ", ")), " *
                        "not $(repr(x))"))
end

# ----------------------------------------------------------------------------------
# Data identity: what every result keeps of the data it was computed on
# ----------------------------------------------------------------------------------

"""
    DataIdentity

The identity of a data set (smi_data_id): `n` samples, `p` features, the `features`' names,
the `target`'s name and the library's 64-bit `fingerprint` of the data (the same on every
machine). `data_id(ds)` gives a data set's, `data_id(res)` the one a result was computed
on (`nothing` where the library keeps none), `matches(id, ds)` compares them.
"""
struct DataIdentity
    n::Int
    p::Int
    features::Vector{String}
    target::String
    fingerprint::UInt64
end

# A copy of the smi_data_id at `id`, or nothing for NULL.
function read_data_id(id::Ptr{Cvoid})
    id == C_NULL && return nothing
    p = Int(smi_data_id_p(id))
    return DataIdentity(Int(smi_data_id_n(id)), p,
                        [unsafe_string(smi_data_id_feature_name(id, j - 1)) for j in 1:p],
                        unsafe_string(smi_data_id_target_name(id)),
                        smi_data_id_fingerprint(id))
end

Base.show(io::IO, id::DataIdentity) =
    print(io, "SparseMI.DataIdentity(n=", id.n, ", p=", id.p, ", target=", repr(id.target),
          ", fingerprint=0x", string(id.fingerprint; base=16, pad=16), ")")

# ----------------------------------------------------------------------------------
# Dataset
# ----------------------------------------------------------------------------------

"""
    Dataset(X::AbstractMatrix, y::AbstractVector; names=nothing, target=nothing)
    Dataset(path::AbstractString; target=nothing, features=nothing, delimiter=nothing,
            label_column=nothing, fold_column=nothing)

A libsparsemi data set: X (n samples x p features) and the target y, from arrays (copied;
`names` the p feature names, default x1..xp; `target` the target's name, default "y") or
from a delimited text file with a header row (`target`: default the first numeric column;
`features`: default every other numeric column; `delimiter`: one character, default
detected; `label_column`: row labels, default the non-numeric column if any;
`fold_column`: a column of integer fold ids, kept as data and not a feature, which the
cross-validated runs use when given `folds = nothing`).

A data set is read-only once made: runs take their folds and other settings as their own
arguments, so one Dataset may serve several runs at once. Freed by the garbage collector,
or at once by `close(ds)`.
"""
mutable struct Dataset
    handle::Ptr{Cvoid}
    fold_column::Union{String,Nothing}

    # Takes ownership of a handle from smi_dataset_create or smi_dataset_read_csv.
    function Dataset(handle::Ptr{Cvoid}, fold_column=nothing)
        handle == C_NULL && throw(ArgumentError("NULL smi_dataset handle"))
        return finalizer(close, new(handle, fold_column))
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
    tgt = target === nothing ? nothing : cstring(target)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    GC.@preserve strs ptrs tgt begin
        check(smi_dataset_create(out, nrow, ncol, rowmajor, yvec,
                                 names === nothing ? C_NULL : ptrs,
                                 tgt === nothing ? C_NULL : pointer(tgt)))
    end
    return Dataset(out[])
end

function Dataset(path::AbstractString; target=nothing, features=nothing, delimiter=nothing,
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
        if delimiter !== nothing
            d = string(delimiter)
            length(d) == 1 && isascii(d) ||
                throw(ArgumentError("delimiter must be one character, not $(repr(delimiter))"))
            changes[:delimiter] = Cchar(d[1])
        end
        if features !== nothing
            changes[:features] = pointer(ptrs)
            changes[:n_features] = length(ptrs)
        end
        opt[] = with_fields(opt[], changes)
        check(smi_dataset_read_csv(out, cstring(path), opt))
    end
    return Dataset(out[], fold)
end

"""
    close(x)

Free the C object of a Dataset, SearchResult, LassoPath or LarsPath now; `x` is unusable
afterwards (what was copied out of it stays readable). Calling it again does nothing.
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

"The 1-based index of the feature called `name` (SparseMIError SMI_ENOTFOUND if none)."
function feature_index(ds::Dataset, name::Union{AbstractString,Symbol})
    index = Ref{Csize_t}(0)
    check(smi_dataset_feature_index(handle(ds), cstring(name), index))
    return Int(index[]) + 1
end

"Row labels from a CSV label column, or `nothing`."
function labels(ds::Dataset)
    smi_dataset_has_labels(handle(ds)) == 0 && return nothing
    return [unsafe_string(smi_dataset_label(handle(ds), i - 1)) for i in 1:n(ds)]
end

"The name of the CSV column the row labels came from, or `nothing`."
label_column(ds::Dataset) = cstr(smi_dataset_label_column(handle(ds)))

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

"A copy of feature `j` (a name or 1-based index), n values."
function column(ds::Dataset, j)
    buf = Vector{Float64}(undef, n(ds))
    check(smi_dataset_get_column(handle(ds), feature_index0(ds, j), buf, length(buf)))
    return buf
end

"""
    feature_stats(ds) -> (mean, sd, min, max)

Per feature (vectors of p values in the order of `names(ds)`): mean, standard deviation
(divisor n, as used for standardisation), minimum and maximum.
"""
function feature_stats(ds::Dataset)
    np = p(ds)
    stats = [Vector{Float64}(undef, np) for _ in 1:4]
    for j in 1:np
        vals = getvals((h, a, b, c, d) -> smi_dataset_feature_stats(h, j - 1, a, b, c, d),
                       handle(ds), Cdouble, Cdouble, Cdouble, Cdouble)
        for s in 1:4
            stats[s][j] = vals[s]
        end
    end
    return (mean = stats[1], sd = stats[2], min = stats[3], max = stats[4])
end

"The target's `(mean, sd, min, max)` (sd with divisor n)."
function target_stats(ds::Dataset)
    m, s, lo, hi = getvals(smi_dataset_target_stats, handle(ds), Cdouble, Cdouble, Cdouble,
                           Cdouble)
    return (mean = m, sd = s, min = lo, max = hi)
end

"""
    Problem

A column that a regression cannot use, found by `problems(ds)`: `kind` (`SMI_ECONSTANT` or
`SMI_EDUPLICATE`), `column` (the 1-based feature index, p + 1 for the target) and its
`name`, and for a duplicate the earlier column it equals, `other` (else `nothing`).
"""
struct Problem
    kind::Int
    column::Int
    name::String
    other::Union{Int,Nothing}
end

"""
    problems(ds) -> Vector{Problem}

Constant columns (the target included) and features equal to an earlier one, in column
order (smi_dataset_check); empty when all is well.
"""
function problems(ds::Dataset)
    h = handle(ds)
    found = (SMI_OK, SMI_ECONSTANT, SMI_EDUPLICATE)   # the first problem's kind, not a failure
    count = Ref{Csize_t}(0)
    status = smi_dataset_check(h, 0, C_NULL, C_NULL, C_NULL, count)
    status in found || check(status)
    size = Int(count[])
    kinds = Vector{Cint}(undef, max(size, 1))
    columns = Vector{Csize_t}(undef, max(size, 1))
    others = Vector{Csize_t}(undef, max(size, 1))
    status = smi_dataset_check(h, size, kinds, columns, others, count)
    status in found || check(status)
    fnames, np = names(ds), p(ds)
    return [Problem(kinds[i], Int(columns[i]) + 1,
                    columns[i] < np ? fnames[columns[i] + 1] : target(ds),
                    kinds[i] == SMI_EDUPLICATE ? Int(others[i]) + 1 : nothing)
            for i in 1:size]
end

"The 2-norm condition number of the standardised X (`Inf` when rank-deficient)."
condition_number(ds::Dataset) = getvals(smi_dataset_condition_number, handle(ds), Cdouble)[1]

"The number of folds K in the file's fold column, 0 when there is none."
n_folds(ds::Dataset) = Int(smi_dataset_n_folds(handle(ds)))

# The file's fold ids as the library numbers them (0..K-1, C ints), or nothing.
function file_fold_ids(ds::Dataset)
    n_folds(ds) == 0 && return nothing
    ids = Vector{Cint}(undef, n(ds))
    check(smi_dataset_get_folds(handle(ds), ids, length(ids)))
    return ids
end

"""
    folds(ds) -> Vector{Int} or nothing

The fold of each sample from the file's fold column, numbered 1..K (the column's distinct
ids in increasing order), or `nothing` when there is none. The data set does not use it
itself: a cross-validated run given `folds = nothing` does.
"""
function folds(ds::Dataset)
    ids = file_fold_ids(ds)
    return ids === nothing ? nothing : Int.(ids) .+ 1
end

"The name of the CSV column the folds came from, or `nothing`."
fold_column(ds::Dataset) = ds.fold_column

"The identity of the data set (`DataIdentity`), as results keep it."
data_id(ds::Dataset) = read_data_id(smi_dataset_id(handle(ds)))

"""
    matches(id::DataIdentity, ds) -> Bool
    matches(res, ds) -> Bool

Whether `ds` is the data `id` identifies, or the data `res` was computed on: the same n, p
and fingerprint (smi_data_id_matches). `false` for a result that keeps no identity.
"""
matches(id::DataIdentity, ds::Dataset) =
    (other = data_id(ds); id.n == other.n && id.p == other.p &&
                          id.fingerprint == other.fingerprint)
matches(::Nothing, ::Dataset) = false

function Base.show(io::IO, ds::Dataset)
    if ds.handle == C_NULL
        print(io, "SparseMI.Dataset(closed)")
    else
        print(io, "SparseMI.Dataset(n=", n(ds), ", p=", p(ds), ", target=",
              repr(target(ds)), ", folds=", n_folds(ds), ")")
    end
end

# A feature name or 1-based index -> the 0-based index the library takes.
function feature_index0(ds::Dataset, f)
    if f isa Integer
        1 <= f <= p(ds) || throw(einval("feature index $f: must be 1 to $(p(ds))"))
        return Csize_t(f - 1)
    end
    f isa Union{AbstractString,Symbol} ||
        throw(ArgumentError("a feature is a name or a 1-based index, not $(repr(f))"))
    return Csize_t(feature_index(ds, f) - 1)
end

# Names or 1-based indices (or one of them; nothing: none) -> 0-based indices.
feature_indices(ds::Dataset, fs) =
    fs === nothing ? Csize_t[] :
    (fs isa Union{AbstractString,Symbol,Integer}) ? [feature_index0(ds, fs)] :
    Csize_t[feature_index0(ds, f) for f in fs]

# ----------------------------------------------------------------------------------
# Configurations as the library holds them (read through its getters)
# ----------------------------------------------------------------------------------

# The criterion's name ("rss", "aic", "bic", "fe", "cv", "loo", "fe-ng", "fe-opt", "fe-marg").
criterion_name(code::Integer) = cstr(smi_criterion_name(code))

"""
    criterion_label(criterion) -> String

What a criterion's values are, for a table or an axis (smi_criterion_label), e.g. "CV mean
squared error"; `criterion` a name or SMI_CRIT_* value.
"""
criterion_label(c) = unsafe_string(smi_criterion_label(criterion_code(c)))

# A criterion name or SMI_CRIT_* value -> the code; SMI_ENOTFOUND for an unknown one.
function criterion_code(c)
    if c isa Integer
        smi_criterion_name(c) == C_NULL && throw(SparseMIError(SMI_ENOTFOUND, "unknown criterion $c"))
        return Int(c)
    end
    c isa Union{AbstractString,Symbol} ||
        throw(ArgumentError("criterion must be a name or an SMI_CRIT_* value, not $(repr(c))"))
    code = Ref{Cint}(0)
    check(smi_criterion_from_name(cstring(c), code))
    return Int(code[])
end

# names[j] for 0-based j, or the 1-based index when no names are known.
index_names(idx, names) = names === nothing ? Int.(idx) .+ 1 : [names[j + 1] for j in idx]

# The folds of a search or LASSO configuration: (k, shuffle, seed, ids).
function read_folds(h, get_kfold, get_ids)
    k, shuffle, seed = getvals(get_kfold, h, Csize_t, Cint, UInt64)
    ids = getarray(get_ids, h, Cint)
    return (k = Int(k), shuffle = shuffle != 0, seed = seed,
            ids = isempty(ids) ? nothing : Int.(ids))
end

"""
    search_config(h, names=nothing) -> NamedTuple

The settings of the smi_search at `h`: criterion (name), fe_hyper (alpha, beta; beta 0
means 1 / var(y)), min_size, max_size (`nothing`: p), keep (names, or 1-based indices when
`names` is nothing), top, bins, bin_edges (`nothing`: bins of equal width), threads (0:
every core), intercept, standardize, normal_gamma (lambda, a0, b0), shard (index 1-based,
count), checkpoint (path or `nothing`, interval), folds (k, shuffle, seed, ids),
model_prior (kind, q), ratio_grid (lo, hi, count).
"""
function search_config(h::Ptr{Cvoid}, names=nothing)
    crit = getval(smi_search_get_criterion, h, Cint)
    alpha, beta = getvals(smi_search_get_fe_hyper, h, Cdouble, Cdouble)
    lo, hi = getvals(smi_search_get_size_range, h, Csize_t, Csize_t)
    keep = getarray(smi_search_get_keep, h, Csize_t)
    top = getval(smi_search_get_top, h, Csize_t)
    bins = getval(smi_search_get_bins, h, Csize_t)
    edges = getarray(smi_search_get_bin_edges, h, Cdouble)
    threads = getval(smi_search_get_threads, h, Csize_t)
    icpt = getval(smi_search_get_intercept, h, Cint)
    std = getval(smi_search_get_standardize, h, Cint)
    lam, a0, b0 = getvals(smi_search_get_normal_gamma, h, Cdouble, Cdouble, Cdouble)
    shard, nshards = getvals(smi_search_get_shard, h, Csize_t, Csize_t)
    path, interval = getvals(smi_search_get_checkpoint, h, Ptr{Cchar}, Cdouble)
    kind, q = getvals(smi_search_get_model_prior, h, Cint, Cdouble)
    glo, ghi, gn = getvals(smi_search_get_ratio_grid, h, Cdouble, Cdouble, Csize_t)
    return (criterion = criterion_name(crit),
            fe_hyper = (alpha = alpha, beta = beta),
            min_size = Int(lo), max_size = hi == 0 ? nothing : Int(hi),
            keep = index_names(keep, names),
            top = Int(top), bins = Int(bins), bin_edges = isempty(edges) ? nothing : edges,
            threads = Int(threads), intercept = icpt != 0, standardize = std != 0,
            normal_gamma = (lambda = lam, a0 = a0, b0 = b0),
            shard = (index = Int(shard) + 1, count = Int(nshards)),
            checkpoint = (path = cstr(path), interval = interval),
            folds = read_folds(h, smi_search_get_folds, smi_search_get_fold_ids),
            model_prior = (kind = name_of(MODEL_PRIORS, kind), q = q),
            ratio_grid = (lo = glo, hi = ghi, count = Int(gn)))
end

"""
    evidence_config(h) -> NamedTuple

The settings of the smi_evidence at `h`: hyper (mode name), alpha, beta (0: 1 / var(y)),
max_iter, tol, sigma_noise_grid and sigma_coef_grid (lo, hi, n; in units of sd(y)), prior
(name, shape, scale), normal_gamma (lambda, a0, b0), intercept, standardize.
"""
function evidence_config(h::Ptr{Cvoid})
    mode = getval(smi_evidence_get_mode, h, Cint)
    alpha, beta = getvals(smi_evidence_get_hyper, h, Cdouble, Cdouble)
    max_iter, tol = getvals(smi_evidence_get_iterations, h, Csize_t, Cdouble)
    g = getvals(smi_evidence_get_grids, h, Cdouble, Cdouble, Csize_t, Cdouble, Cdouble, Csize_t)
    prior, shape, scale = getvals(smi_evidence_get_prior, h, Cint, Cdouble, Cdouble)
    lam, a0, b0 = getvals(smi_evidence_get_normal_gamma, h, Cdouble, Cdouble, Cdouble)
    icpt = getval(smi_evidence_get_intercept, h, Cint)
    std = getval(smi_evidence_get_standardize, h, Cint)
    return (hyper = name_of(HYPER_MODES, mode), alpha = alpha, beta = beta,
            max_iter = Int(max_iter), tol = tol,
            sigma_noise_grid = (lo = g[1], hi = g[2], n = Int(g[3])),
            sigma_coef_grid = (lo = g[4], hi = g[5], n = Int(g[6])),
            prior = (name = name_of(SCALE_PRIORS, prior), shape = shape, scale = scale),
            normal_gamma = (lambda = lam, a0 = a0, b0 = b0),
            intercept = icpt != 0, standardize = std != 0)
end

"""
    remc_config(h) -> NamedTuple

The settings of the smi_remc at `h`: replicas, beta_max, ladder (the inverse temperatures
a run uses), sweeps, burn_in, seed, tune, threads (0: every core).
"""
function remc_config(h::Ptr{Cvoid})
    replicas, beta_max = getvals(smi_remc_get_replicas, h, Csize_t, Cdouble)
    sweeps, burn_in = getvals(smi_remc_get_sweeps, h, Csize_t, Csize_t)
    seed = getval(smi_remc_get_seed, h, UInt64)
    tune = getval(smi_remc_get_tuning, h, Cint)
    threads = getval(smi_remc_get_threads, h, Csize_t)
    return (replicas = Int(replicas), beta_max = beta_max,
            ladder = getarray(smi_remc_get_ladder, h, Cdouble),
            sweeps = Int(sweeps), burn_in = Int(burn_in), seed = seed, tune = tune != 0,
            threads = Int(threads))
end

"""
    lars_config(h) -> NamedTuple

The settings of the smi_lars at `h`: method ("lar" or "lasso"), positive, max_steps
(`nothing`: no limit).
"""
function lars_config(h::Ptr{Cvoid})
    method = getval(smi_lars_get_method, h, Cint)
    positive = getval(smi_lars_get_positive, h, Cint)
    steps = getval(smi_lars_get_max_steps, h, Csize_t)
    return (method = name_of(LARS_METHODS, method), positive = positive != 0,
            max_steps = steps == 0 ? nothing : Int(steps))
end

"""
    lasso_config(h, names=nothing) -> NamedTuple

The settings of the smi_lasso at `h`: alpha (the mixing parameter), n_lambdas,
lambda_min_ratio (`nothing`: automatic, 1e-4 when n > p, else 1e-2), lambdas (`nothing`:
the log-spaced path), positive, penalty_factors (`nothing`: all 1; a Dict name => factor
when `names` are given), tol, max_passes, threads (0: every core), cv, folds (k, shuffle,
seed, ids).
"""
function lasso_config(h::Ptr{Cvoid}, names=nothing)
    alpha = getval(smi_lasso_get_alpha, h, Cdouble)
    nl, ratio = getvals(smi_lasso_get_path, h, Csize_t, Cdouble)
    lambdas = getarray(smi_lasso_get_lambdas, h, Cdouble)
    positive = getval(smi_lasso_get_positive, h, Cint)
    factors = getarray(smi_lasso_get_penalty_factors, h, Cdouble)
    tol, passes = getvals(smi_lasso_get_tolerance, h, Cdouble, Csize_t)
    threads = getval(smi_lasso_get_threads, h, Csize_t)
    cv = getval(smi_lasso_get_cv, h, Cint)
    pf = isempty(factors) ? nothing :
         (names === nothing || length(names) != length(factors)) ? factors :
         Dict{String,Float64}(zip(names, factors))
    return (alpha = alpha, n_lambdas = Int(nl), lambda_min_ratio = ratio == 0 ? nothing : ratio,
            lambdas = isempty(lambdas) ? nothing : lambdas, positive = positive != 0,
            penalty_factors = pf, tol = tol, max_passes = Int(passes),
            threads = Int(threads), cv = cv != 0,
            folds = read_folds(h, smi_lasso_get_folds, smi_lasso_get_fold_ids))
end

"""
    vma_config(h, names=nothing) -> NamedTuple

The settings of the smi_vma at `h`: model (features, coefficients and intercept, or
`nothing` for both when taken from the least-squares fit, noise_sd: < 0 estimated from the
evidence), rows ("resample" or "gaussian"), sizes, trials, seed, threads (0: every core),
method ("es" or "lasso"), search (`search_config` of the search run on each data set, or
`nothing`), lasso (`lasso_config`, or `nothing`), one_se.
"""
function vma_config(h::Ptr{Cvoid}, names=nothing)
    k, hasc, icpt, sd = Ref{Csize_t}(0), Ref{Cint}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
    smi_vma_get_model(h, 0, C_NULL, C_NULL, k, hasc, icpt, sd)   # the count first
    feats, coefs = Vector{Csize_t}(undef, max(Int(k[]), 1)), Vector{Cdouble}(undef, max(Int(k[]), 1))
    check(smi_vma_get_model(h, length(feats), feats, coefs, k, hasc, icpt, sd))
    kk = Int(k[])
    model = (features = index_names(feats[1:kk], names),
             coefficients = hasc[] != 0 ? coefs[1:kk] : nothing,
             intercept = hasc[] != 0 ? icpt[] : nothing, noise_sd = sd[])
    rows = getval(smi_vma_get_rows, h, Cint)
    trials = getval(smi_vma_get_trials, h, Csize_t)
    seed = getval(smi_vma_get_seed, h, UInt64)
    threads = getval(smi_vma_get_threads, h, Csize_t)
    method = getval(smi_vma_get_method, h, Cint)
    search = getval(smi_vma_get_search, h, Ptr{Cvoid})
    lasso, one_se = getvals(smi_vma_get_lasso, h, Ptr{Cvoid}, Cint)
    return (model = model, rows = name_of(VMA_ROWS, rows),
            sizes = Int.(getarray(smi_vma_get_sizes, h, Csize_t)), trials = Int(trials),
            seed = seed, threads = Int(threads), method = name_of(VMA_METHODS, method),
            search = search == C_NULL ? nothing : search_config(search, names),
            lasso = lasso == C_NULL ? nothing : lasso_config(lasso, names),
            one_se = one_se != 0)
end

"""
    defaults(kind::Symbol) -> NamedTuple

The library's defaults of a configuration, read from a new one through its getters:
`kind` is `:search` (exhaustive search, remc's search, score_subset, supports), `:evidence`,
`:remc`, `:lars`, `:lasso` or `:vma`. These are what every keyword left at `nothing` means.
"""
function defaults(kind::Symbol)
    kind === :search && return with_new(search_config, smi_search_create, smi_search_free)
    kind === :evidence && return with_new(evidence_config, smi_evidence_create, smi_evidence_free)
    kind === :remc && return with_new(remc_config, smi_remc_create, smi_remc_free)
    kind === :lars && return with_new(lars_config, smi_lars_create, smi_lars_free)
    kind === :lasso && return with_new(lasso_config, smi_lasso_create, smi_lasso_free)
    kind === :vma && return with_new(vma_config, smi_vma_create, smi_vma_free)
    throw(ArgumentError("defaults: kind must be :search, :evidence, :remc, :lars, :lasso " *
                        "or :vma, not $(repr(kind))"))
end

# ----------------------------------------------------------------------------------
# Setting configurations
# ----------------------------------------------------------------------------------

# The fold setters and getters of a configuration: (set_folds, set_fold_ids, get_folds).
const SEARCH_FOLDS = (smi_search_set_folds, smi_search_set_fold_ids, smi_search_get_folds)
const LASSO_FOLDS = (smi_lasso_set_folds, smi_lasso_set_fold_ids, smi_lasso_get_folds)

# The folds of a run, set on its configuration `cfg` (the data set is only read, never
# changed): folds = nothing: the file's fold column when `ds` was read with one (passed as
# fold ids), else nothing is set and the library's default holds (10 folds shuffled with
# seed 0, as the CLI); an integer K: K folds shuffled with fold_seed (nothing: the library's
# seed, 0, as `--folds K`; "none" or :none: unshuffled, sample i in fold i mod K); else one
# integer fold id per sample. file_folds false: folds = nothing never uses the file's column.
function set_folds!(cfg, ds::Dataset, folds, fold_seed, setters=SEARCH_FOLDS;
                    file_folds::Bool=true)
    set_kfold, set_ids, get_kfold = setters
    if folds === nothing
        fold_seed === nothing || throw(ArgumentError("fold_seed needs folds = K"))
        ids = file_folds ? file_fold_ids(ds) : nothing
        ids === nothing || check(set_ids(cfg, ids, length(ids)))
    elseif folds isa Integer
        folds >= 2 || throw(einval("$folds folds: K-fold cross-validation needs K >= 2"))
        _, shuffle, seed = getvals(get_kfold, cfg, Csize_t, Cint, UInt64)
        if fold_seed === nothing
            # the library's shuffle and seed
        elseif fold_seed == "none" || fold_seed === :none
            shuffle = Cint(0)
        else
            shuffle, seed = Cint(1), seedarg(fold_seed, "fold_seed")
        end
        check(set_kfold(cfg, folds, shuffle, seed))
    else
        fold_seed === nothing ||
            throw(ArgumentError("fold_seed applies to folds = K, not to given fold ids"))
        length(folds) == n(ds) ||
            throw(ArgumentError("$(length(folds)) fold ids for $(n(ds)) samples"))
        all(f -> f isa Integer && typemin(Cint) <= f <= typemax(Cint), folds) ||
            throw(ArgumentError("fold ids must be integers that fit a C int"))
        ids = Vector{Cint}(folds)
        check(set_ids(cfg, ids, length(ids)))
    end
    return nothing
end

# The criterion and the settings shared by every use of an smi_search (exhaustive_search,
# score_subset, remc, supports, vma): each keyword left at nothing keeps the library's
# default. Checks that a setting applies to the criterion (smi_criterion_flags).
function configure_criterion!(cfg, ds::Dataset, criterion; alpha=nothing, beta=nothing,
                              intercept=nothing, standardize=nothing, normal_gamma=nothing,
                              ratio_grid=nothing, folds=nothing, fold_seed=nothing,
                              file_folds::Bool=true)
    criterion === nothing || check(smi_search_set_criterion(cfg, criterion_code(criterion)))
    code = getval(smi_search_get_criterion, cfg, Cint)
    flags, name = Int(smi_criterion_flags(code)), criterion_name(code)
    if alpha !== nothing || beta !== nothing
        (flags & SMI_CRITERION_FE_HYPER) != 0 ||
            throw(einval("alpha and beta apply to criterion fe only, not $(repr(name))"))
        a, b = getvals(smi_search_get_fe_hyper, cfg, Cdouble, Cdouble)
        check(smi_search_set_fe_hyper(cfg, something(alpha, a), something(beta, b)))
    end
    if normal_gamma !== nothing
        lam, a0, b0 = tuplearg(normal_gamma, 3, "normal_gamma", "(lambda, a0, b0)")
        (flags & SMI_CRITERION_NG_PRIOR) != 0 ||
            throw(einval("normal_gamma applies to criteria fe-ng and fe-marg only, not $(repr(name))"))
        check(smi_search_set_normal_gamma(cfg, lam, a0, b0))
    end
    if ratio_grid !== nothing
        lo, hi, count = tuplearg(ratio_grid, 3, "ratio_grid", "(lo, hi, count)")
        (flags & SMI_CRITERION_RATIO_GRID) != 0 ||
            throw(einval("ratio_grid applies to criteria fe-opt and fe-marg only, not $(repr(name))"))
        check(smi_search_set_ratio_grid(cfg, lo, hi, sizearg(count, "ratio_grid count")))
    end
    intercept === nothing || check(smi_search_set_intercept(cfg, intercept ? 1 : 0))
    standardize === nothing || check(smi_search_set_standardize(cfg, standardize ? 1 : 0))
    set_folds!(cfg, ds, folds, fold_seed, SEARCH_FOLDS; file_folds=file_folds)
    return code
end

# The size range and forced features of an smi_search; nothing keeps the library's.
function set_sizes!(cfg, ds::Dataset, min_size, max_size, keep)
    if min_size !== nothing || max_size !== nothing
        lo, hi = getvals(smi_search_get_size_range, cfg, Csize_t, Csize_t)
        min_size === nothing || (lo = sizearg(min_size, "min_size"))
        max_size === nothing || (hi = sizearg(max_size, "max_size"; min=1))
        check(smi_search_set_size_range(cfg, lo, hi))
    end
    keep_idx = feature_indices(ds, keep)
    isempty(keep_idx) || check(smi_search_set_keep(cfg, keep_idx, length(keep_idx)))
    return nothing
end

# The DOS bins of an smi_search.
function set_bins!(cfg, bins, bin_edges)
    if bin_edges !== nothing
        bins === nothing || throw(ArgumentError("give bins or bin_edges, not both"))
        edges = Vector{Float64}(bin_edges)
        check(smi_search_set_bin_edges(cfg, edges, length(edges)))
    elseif bins !== nothing
        check(smi_search_set_bins(cfg, sizearg(bins, "bins")))
    end
    return nothing
end

# ----------------------------------------------------------------------------------
# Progress callbacks
# ----------------------------------------------------------------------------------

# The progress callback's state, passed to the C library as its `user` pointer.
mutable struct ProgressState
    f::Any
    error::Any   # nothing, or the exception the callback threw
end

function progress_trampoline(user::Ptr{Cvoid}, fraction::Cdouble)::Cint
    state = unsafe_pointer_to_objref(user)::ProgressState
    state.error === nothing || return Cint(1)
    try
        state.f(fraction)
    catch err
        state.error = err
        return Cint(1)
    end
    return Cint(0)
end

# Run run(fn, user) -> status, where fn and user are the C progress callback and its user
# pointer (C_NULL and C_NULL without a progress function), valid during the call. Throws the
# callback's exception (it cancelled the run) or the library's error, after free_out().
function run_with_progress(run, progress, free_out)
    state = ProgressState(progress, nothing)
    status, msg = GC.@preserve state begin
        if progress === nothing
            st = run(C_NULL, C_NULL)
        else
            fn = @cfunction(progress_trampoline, Cint, (Ptr{Cvoid}, Cdouble))
            st = run(fn, pointer_from_objref(state))
        end
        # Copy the message now: it is valid until the next library call.
        (st, st < 0 ? unsafe_string(smi_last_error()) : "")
    end
    if state.error !== nothing
        free_out()
        throw(state.error)
    end
    status < 0 && throw(SparseMIError(status, msg))
    return status
end

# ----------------------------------------------------------------------------------
# Exhaustive search
# ----------------------------------------------------------------------------------

"""
    Model

One fitted model of a search: `rank` (1 = best; `nothing` in `best_by_size`), `size` (the
number of features k), `features` (names) and `indices` (1-based, ascending), `criterion`
(smaller is better), `intercept` (`nothing` when the search fitted none), `coefficients`
(name => value, in the data's units) and the training `rmse` = sqrt(RSS/n), all from a QR
refit on the original data.
"""
struct Model
    rank::Union{Int,Nothing}
    size::Int
    features::Vector{String}
    indices::Vector{Int}
    criterion::Float64
    intercept::Union{Float64,Nothing}
    coefficients::Dict{String,Float64}
    rmse::Float64
end

"""
    Rank

Where a criterion value falls among the subsets a search scored (`rank(res, value)`):
`rank` (1 + the number of scored subsets with a strictly smaller value; exact, and then
integral, when `rank_lo == rank_hi`, else interpolated within the value's DOS bin),
`rank_lo`, `rank_hi` (bounds) and `percentile` = 100 rank / n_models.
"""
struct Rank
    rank::Float64
    rank_lo::Int
    rank_hi::Int
    percentile::Float64
end

"""
    SearchResult

The result of `exhaustive_search`, `load_result` or `merge_results` (an smi_search_result).
Read it with `criterion`, `n_models`, `n_singular`, `max_size`, `models`, `best_by_size`,
`dos`, `feature_frequency`, `weight_diagram` and `rank`; the model posterior of a
free-energy search with `has_posterior`, `log_evidence_total`, `posterior_inclusion`,
`size_posterior`, `dos_posterior` and `model_average` (each `nothing` when the result has
none); what produced it with `config`, `data_id`, `matches`; `features(res)` names the
features. Save it with `save_result`. Freed by the garbage collector, or at once by
`close(res)`.
"""
mutable struct SearchResult
    handle::Ptr{Cvoid}
    features::Vector{String}              # the data set's feature names
    data::Union{DataIdentity,Nothing}     # the identity of its data, when kept
    intercept::Bool
    min_size::Int
    status::Int
    caveat::String

    function SearchResult(handle::Ptr{Cvoid}, features, data, intercept, min_size)
        handle == C_NULL && throw(ArgumentError("NULL smi_search_result handle"))
        return finalizer(close, new(handle, features, data, intercept, min_size,
                                    Int(smi_search_result_status(handle)),
                                    unsafe_string(smi_search_result_caveat(handle))))
    end
end

# Own the smi_search_result h: its names from its data identity, else `names` (a data set's);
# its intercept and smallest size from its configuration, else `intercept` and 0.
function own_search_result(h::Ptr{Cvoid}, names, intercept)
    try
        id = read_data_id(smi_search_result_data(h))
        fnames = id !== nothing ? id.features : names
        fnames === nothing && throw(einval("the result names no features: give the data set"))
        length(fnames) == smi_search_result_p(h) ||
            throw(einval("the result is over $(smi_search_result_p(h)) features, the data " *
                         "set has $(length(fnames))"))
        cfg = smi_search_result_config(h)
        min_size = 0
        if cfg != C_NULL
            intercept = getvals(smi_search_get_intercept, cfg, Cint)[1] != 0
            lo = getvals(smi_search_get_size_range, cfg, Csize_t, Csize_t)[1]
            min_size = max(Int(lo), length(getarray(smi_search_get_keep, cfg, Csize_t)))
        end
        return SearchResult(h, collect(String, fnames), id, intercept, min_size)
    catch
        smi_search_result_free(h)
        rethrow()
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

"""
    exhaustive_search(ds; criterion=nothing, folds=nothing, fold_seed=nothing,
                      min_size=nothing, max_size=nothing, keep=nothing, top=nothing,
                      bins=nothing, bin_edges=nothing, alpha=nothing, beta=nothing,
                      threads=nothing, intercept=nothing, standardize=nothing,
                      normal_gamma=nothing, ratio_grid=nothing, model_prior=nothing,
                      prior_q=nothing, shard=nothing, checkpoint=nothing,
                      checkpoint_interval=5.0, progress=nothing) -> SearchResult

Score every subset of the features of `ds` with `min_size` <= k <= `max_size` (smi_search_run),
`keep` (names or 1-based indices) forced into every model, by `criterion` ("rss", "aic",
"bic", "fe", "cv", "loo", "fe-ng", "fe-opt", "fe-marg", or an SMI_CRIT_* value). Every
keyword left at `nothing` keeps the library's default (`defaults(:search)`: BIC, sizes 1
to p, the top 100 models, 64 DOS bins, every core, intercept and standardisation on, ...).

  * `folds`, `fold_seed`: the folds of "cv", this run's own (set on its configuration;
    `ds` is only read): `folds` nothing (the file's fold column when `ds` was read with
    one, else the library's 10 folds shuffled with seed 0, as the CLI), K (shuffled with
    `fold_seed`: nothing for the library's seed, an integer, or `"none"` for sample i in
    fold i mod K), or one integer fold id per sample.
  * `alpha`, `beta`: the hyperparameters of "fe" (one given, the other keeps its default;
    beta 0 means 1 / var(y)); `normal_gamma` = (lambda, a0, b0): the prior of "fe-ng" and
    "fe-marg" (a0, b0 only); `ratio_grid` = (lo, hi, count): the grid of "fe-opt" and
    "fe-marg".
  * `model_prior`: the prior over models of the posterior the free-energy criteria
    accumulate: "uniform" (the library's default), "bernoulli" (each free feature in with
    probability `prior_q`) or "none" (no posterior; a faster search).
  * `top`: models kept and refitted; `bins`: at most that many DOS bins of equal width, or
    `bin_edges`: explicit increasing edges. `threads`: 0 means every core; the result does
    not depend on it.
  * `shard` = (i, N): score only shard i (1-based, 1 <= i <= N; the CLI's `--shard i-1/N`)
    of a fixed split of the search; `merge_results` of all N shards equals the whole search.
  * `checkpoint`: a file where the progress is saved every `checkpoint_interval` seconds;
    the same search started again with that file resumes from it.
  * `progress`: nothing or a function of the fraction done; an exception it throws cancels
    the search and is rethrown.
"""
function exhaustive_search(ds::Dataset; criterion=nothing, folds=nothing, fold_seed=nothing,
                           min_size=nothing, max_size=nothing, keep=nothing, top=nothing,
                           bins=nothing, bin_edges=nothing, alpha=nothing, beta=nothing,
                           threads=nothing, intercept=nothing, standardize=nothing,
                           normal_gamma=nothing, ratio_grid=nothing, model_prior=nothing,
                           prior_q=nothing, shard=nothing, checkpoint=nothing,
                           checkpoint_interval::Real=5.0, progress=nothing)
    fnames = names(ds)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    with_new(smi_search_create, smi_search_free) do cfg
        code = configure_criterion!(cfg, ds, criterion; alpha=alpha, beta=beta,
                                    intercept=intercept, standardize=standardize,
                                    normal_gamma=normal_gamma, ratio_grid=ratio_grid,
                                    folds=folds, fold_seed=fold_seed)
        if model_prior !== nothing
            kind = code_of(MODEL_PRIORS, model_prior, "model_prior")
            _, q = getvals(smi_search_get_model_prior, cfg, Cint, Cdouble)
            if kind == SMI_MODEL_PRIOR_BERNOULLI
                (Int(smi_criterion_flags(code)) & SMI_CRITERION_FREE_ENERGY) != 0 ||
                    throw(einval("model_prior bernoulli applies to the free-energy criteria " *
                                 "only, not $(repr(criterion_name(code)))"))
                q = something(prior_q, q)
            elseif prior_q !== nothing
                throw(ArgumentError("prior_q applies to model_prior \"bernoulli\""))
            end
            check(smi_search_set_model_prior(cfg, kind, q))
        elseif prior_q !== nothing
            throw(ArgumentError("prior_q applies to model_prior \"bernoulli\""))
        end
        set_sizes!(cfg, ds, min_size, max_size, keep)
        top === nothing || check(smi_search_set_top(cfg, sizearg(top, "top"; min=1)))
        set_bins!(cfg, bins, bin_edges)
        threads === nothing || check(smi_search_set_threads(cfg, sizearg(threads, "threads")))
        if shard !== nothing
            i, count = tuplearg(shard, 2, "shard", "(index, count), index 1-based")
            count = sizearg(count, "shard count"; min=1)
            1 <= i <= count || throw(einval("shard $i of $count: the index runs from 1 to $count"))
            check(smi_search_set_shard(cfg, i - 1, count))
        end
        checkpoint === nothing ||
            check(smi_search_set_checkpoint(cfg, cstring(checkpoint), checkpoint_interval))
        run_with_progress(progress, () -> smi_search_result_free(out[])) do fn, user
            fn == C_NULL || check(smi_search_set_progress(cfg, fn, user))
            smi_search_run(handle(ds), cfg, out)
        end
    end
    return own_search_result(out[], fnames, true)
end

"""
    score_subset(ds, features; criterion=nothing, folds=nothing, fold_seed=nothing,
                 alpha=nothing, beta=nothing, intercept=nothing, standardize=nothing,
                 normal_gamma=nothing, ratio_grid=nothing) -> Float64

The criterion of one subset (names or 1-based indices), by QR, with the definitions and
settings of `exhaustive_search` (smi_search_score_subset). Throws SparseMIError
(SMI_ESINGULAR for a rank-deficient subset).
"""
function score_subset(ds::Dataset, features; criterion=nothing, folds=nothing,
                      fold_seed=nothing, alpha=nothing, beta=nothing, intercept=nothing,
                      standardize=nothing, normal_gamma=nothing, ratio_grid=nothing)
    subset = feature_indices(ds, features)
    value = Ref{Cdouble}(0.0)
    with_new(smi_search_create, smi_search_free) do cfg
        configure_criterion!(cfg, ds, criterion; alpha=alpha, beta=beta, intercept=intercept,
                             standardize=standardize, normal_gamma=normal_gamma,
                             ratio_grid=ratio_grid, folds=folds, fold_seed=fold_seed)
        check(smi_search_score_subset(handle(ds), cfg, subset, length(subset), value))
    end
    return value[]
end

"The feature names of the data a result was computed on."
features(res::SearchResult) = res.features

"The criterion's name: \"rss\", \"aic\", \"bic\", \"fe\", \"cv\", \"loo\", \"fe-ng\", \"fe-opt\" or \"fe-marg\"."
criterion(res::SearchResult) = criterion_name(smi_search_result_criterion(handle(res)))

"The number of subsets scored."
n_models(res::SearchResult) = Int(smi_search_result_n_models(handle(res)))

"The number of subsets skipped as singular."
n_singular(res::SearchResult) = Int(smi_search_result_n_singular(handle(res)))

"The largest model size searched."
max_size(res::SearchResult) = Int(smi_search_result_max_size(handle(res)))

"The smallest model size searched (at least the number of forced features; 0 when unknown)."
min_size(res::SearchResult) = res.min_size

"""
    config(res) -> NamedTuple or nothing

The configuration that produced a result, as the library keeps it with the result
(smi_*_result_config) and read through its getters: `search_config` for a SearchResult
(`nothing` for a result that keeps none), `lasso_config` for a LassoPath, `lars_config` for
a LarsPath; Evidence, RemcResult (`config` and `search`) and VmaResult hold theirs as the
field `config`.
"""
function config(res::SearchResult)
    cfg = smi_search_result_config(handle(res))
    return cfg == C_NULL ? nothing : search_config(cfg, res.features)
end

"""
    data_id(res) -> DataIdentity or nothing

The identity of the data a result was computed on (smi_*_result_data): feature names,
target name, n, p and fingerprint; `nothing` where the library keeps none.
"""
data_id(res::SearchResult) = res.data

matches(res::SearchResult, ds::Dataset) =
    smi_data_id_matches(smi_search_result_data(handle(res)), handle(ds)) == 1

function make_model(res::SearchResult, rank, k, feats, coefs, crit, icpt, rmse)
    idx = Int[Int(j) + 1 for j in feats[1:k]]
    fnames = res.features[idx]
    return Model(rank, k, fnames, idx, crit, res.intercept ? icpt : nothing,
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

"""
    dos(res) -> (edges, counts, below, above)

The density of states of the criterion over every scored subset: B + 1 `edges`, B
`counts`, and the subsets scored `below` and `above` the edges (only given `bin_edges` can
leave any); `sum(counts) + below + above == n_models(res)`.
"""
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
    freq = getbuf(smi_search_result_feature_frequency, h, Float64, smi_search_result_p(h))
    return Dict{String,Float64}(zip(res.features, freq))
end

"Top models x features (columns in the order of `features(res)`): model r's coefficient of feature j, 0 where it is not used."
function weight_diagram(res::SearchResult)
    h = handle(res)
    ntop, nfeat = Int(smi_search_result_n_top(h)), Int(smi_search_result_p(h))
    buf = zeros(Float64, nfeat, ntop)   # row-major ntop x nfeat, seen column-major
    isempty(buf) || check(smi_search_result_weight_diagram(h, length(buf), buf))
    return permutedims(buf)
end

"""
    rank(res, value) -> Rank

Where the criterion value `value` falls among the subsets `res` scored
(smi_search_result_rank): exact when the search kept every subset or the value is at most
the worst kept model's, otherwise bounded by the DOS.
"""
function rank(res::SearchResult, value::Real)
    r, pct = Ref{Cdouble}(0), Ref{Cdouble}(0)
    lo, hi = Ref{UInt64}(0), Ref{UInt64}(0)
    check(smi_search_result_rank(handle(res), value, r, lo, hi, pct))
    return Rank(r[], Int(lo[]), Int(hi[]), pct[])
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
function posterior_vector(f, h, count::Integer)
    buf = zeros(Float64, max(count, 1))
    status = f(h, count, buf)
    status == SMI_ENOTFOUND && return nothing
    check(status)
    return buf[1:count]
end

"Per feature name, the posterior probability that it is in the model (1 for forced features); `nothing` without a posterior."
function posterior_inclusion(res::SearchResult)
    h = handle(res)
    prob = posterior_vector(smi_search_result_posterior_inclusion, h, Int(smi_search_result_p(h)))
    return prob === nothing ? nothing : Dict{String,Float64}(zip(res.features, prob))
end

"The posterior of each size k = 0, ..., max_size (element k + 1); `nothing` without one."
size_posterior(res::SearchResult) =
    posterior_vector(smi_search_result_size_posterior, handle(res),
                     Int(smi_search_result_max_size(handle(res))) + 1)

"The posterior mass of each DOS bin (as `dos(res).counts`); `nothing` without a posterior."
dos_posterior(res::SearchResult) =
    posterior_vector(smi_search_result_dos_posterior, handle(res),
                     Int(smi_search_result_n_bins(handle(res))))

"""
    model_average(res) -> (coefficients, intercept, mass, exact) or nothing

The posterior mean of the coefficients over the models (name => value, data units, 0
contributed by the models that leave a feature out), of the intercept, the posterior mass
averaged over (1 when exact) and whether that was every scored subset (else the kept top
models, normalised by their mass); `nothing` without a posterior.
"""
function model_average(res::SearchResult)
    h = handle(res)
    nfeat = Int(smi_search_result_p(h))
    coef = zeros(Float64, max(nfeat, 1))
    icpt, mass = Ref{Cdouble}(0), Ref{Cdouble}(0)
    status = smi_search_result_model_average(h, nfeat, coef, icpt, mass)
    status == SMI_ENOTFOUND && return nothing
    check(status)
    return (coefficients = Dict{String,Float64}(zip(res.features, coef[1:nfeat])),
            intercept = icpt[], mass = mass[], exact = mass[] == 1.0)
end

"""
    save_result(res, path)

Write the search result to `path` in the library's versioned result format
(smi_search_result_save), for `load_result`, `merge_results` and the CLI's `merge`.
"""
save_result(res::SearchResult, path::AbstractString) =
    (check(smi_search_result_save(handle(res), cstring(path))); nothing)

"""
    load_result(path; data=nothing, intercept=nothing) -> SearchResult

A search result saved by `save_result` or the CLI's `--save` (smi_search_result_load). The
file alone is enough: its feature names come from its data identity and its settings
from its configuration (`data_id(res)`, `config(res)`). `data` (optional), the Dataset
searched, is checked against it: SMI_EINVAL when it is other data. `intercept`: ignored
unless given, then it must be what the search used (SMI_EINVAL otherwise). A file that is
not a result, is damaged or has another format version throws SMI_EPARSE; a missing one
SMI_EIO. (A result that keeps no identity takes its names from `data`.)
"""
function load_result(path::AbstractString; data::Union{Dataset,Nothing}=nothing,
                     intercept::Union{Bool,Nothing}=nothing)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    check(smi_search_result_load(out, cstring(path)))
    h = out[]
    id = smi_search_result_data(h)
    if data !== nothing && id != C_NULL && smi_data_id_matches(id, handle(data)) != 1
        smi_search_result_free(h)
        throw(einval("$path holds a result computed on other data than the data set given"))
    end
    res = own_search_result(h, data === nothing ? nothing : names(data),
                            something(intercept, true))
    intercept === nothing || intercept == res.intercept ||
        throw(einval("load_result: intercept = $intercept, but the search fitted " *
                     (res.intercept ? "one" : "none")))
    return res
end

"""
    merge_results(parts) -> SearchResult

One result from the results of the shards of one search (smi_search_result_merge): counts
and DOS summed, the top models and the best of each size as the whole search would have
chosen them. Throws SparseMIError SMI_EINVAL when the parts do not belong together.
"""
function merge_results(parts::AbstractVector{SearchResult})
    isempty(parts) && throw(einval("merge_results: no parts"))
    handles = Ptr{Cvoid}[handle(part) for part in parts]
    out = Ref{Ptr{Cvoid}}(C_NULL)
    GC.@preserve parts begin
        check(smi_search_result_merge(out, handles, length(handles)))
    end
    return own_search_result(out[], parts[1].features, parts[1].intercept)
end

function Base.show(io::IO, res::SearchResult)
    if res.handle == C_NULL
        print(io, "SparseMI.SearchResult(closed)")
    else
        print(io, "SparseMI.SearchResult(criterion=", repr(criterion(res)), ", n_models=",
              n_models(res), ", n_singular=", n_singular(res), ")")
    end
end

# ----------------------------------------------------------------------------------
# Bayesian evidence of one model
# ----------------------------------------------------------------------------------

"""
    Evidence

The evidence of one model (`evidence`), copied out of the library: `free_energy` F =
-ln p(y | S), `log_evidence` = -F, `fit_term` and `complexity_term` (F = fit + complexity),
`alpha`, `beta` (the optimum, the fixed values, or posterior means), `noise_sd` =
beta^-1/2, `gamma_eff` (the effective number of parameters), `iterations`, `converged`,
`features` (names, in the order given) and `indices` (1-based), `coefficients` (name =>
posterior mean, data units), `mean` (the same as a vector), `intercept`, `covariance`
(k x k posterior covariance in data units; for "ng" the scale matrix of the Student-t
posterior), `hyper` (the mode), `status` (SMI_OK, or SMI_ENOCONV when the optimisation
did not converge: a success with a caveat), `caveat` (its message, "" when none), `config`
(`evidence_config` of the run) and `data` (its `DataIdentity`).
"""
struct Evidence
    free_energy::Float64
    log_evidence::Float64
    fit_term::Float64
    complexity_term::Float64
    alpha::Float64
    beta::Float64
    noise_sd::Float64
    gamma_eff::Float64
    iterations::Int
    converged::Bool
    features::Vector{String}
    indices::Vector{Int}
    coefficients::Dict{String,Float64}
    mean::Vector{Float64}
    intercept::Float64
    covariance::Matrix{Float64}
    hyper::String
    status::Int
    caveat::String
    config::NamedTuple
    data::Union{DataIdentity,Nothing}
end

config(ev::Evidence) = ev.config
data_id(ev::Evidence) = ev.data
matches(ev::Evidence, ds::Dataset) = matches(ev.data, ds)

Base.show(io::IO, ev::Evidence) =
    print(io, "SparseMI.Evidence(hyper=", repr(ev.hyper), ", features=", ev.features,
          ", F=", ev.free_energy, ", alpha=", ev.alpha, ", beta=", ev.beta,
          ev.converged ? "" : ", not converged", ")")

tofloat(x) = x isa AbstractString ? parse(Float64, x) : Float64(x)

# A scale prior: "inverse", "uniform", ("gamma", shape, scale) or "gamma:SHAPE:SCALE".
function prior_args(prior)
    if prior isa AbstractString && occursin(':', prior)
        prior = Tuple(split(prior, ':'))
    end
    prior isa Union{AbstractString,Symbol} && (prior = (prior,))
    prior isa AbstractVector && (prior = Tuple(prior))
    prior isa Tuple && !isempty(prior) ||
        throw(ArgumentError("prior must be \"inverse\", \"uniform\" or (\"gamma\", shape, scale)"))
    code = code_of(SCALE_PRIORS, prior[1], "prior")
    if code == SMI_PRIOR_GAMMA
        length(prior) == 3 || throw(ArgumentError("the gamma prior needs (\"gamma\", shape, scale)"))
        return code, tofloat(prior[2]), tofloat(prior[3])
    end
    length(prior) == 1 || throw(ArgumentError("the $(prior[1]) prior takes no parameters"))
    return code, nothing, nothing
end

"""
    evidence(ds, features; hyper=nothing, alpha=nothing, beta=nothing, max_iter=nothing,
             tol=nothing, sigma_noise_grid=nothing, sigma_coef_grid=nothing, prior=nothing,
             normal_gamma=nothing, intercept=nothing, standardize=nothing) -> Evidence

The Bayesian evidence of the model y ~ `features` (names or 1-based indices, distinct) of
`ds` (smi_evidence_run). `hyper`: "fixed" (alpha, beta as given), "optimize" (type-II
maximum likelihood from alpha, beta; the library's default), "marginal" (integrated over
grids of the noise and coefficient scales) or "ng" (normal-gamma conjugate prior).
`alpha`, `beta` (beta 0: 1 / var(y)), `max_iter` and `tol`, `sigma_noise_grid` and
`sigma_coef_grid` ((lo, hi, n) in units of sd(y)), `prior` ("inverse", "uniform" or
("gamma", shape, scale)), `normal_gamma` ((lambda, a0, b0)), `intercept`, `standardize`:
each left at `nothing` keeps the library's default (`defaults(:evidence)`); giving one of
a pair keeps the other's.

When the optimisation does not converge the library succeeds with a caveat: the result at
the last iterate is returned with `converged` false, `status` SMI_ENOCONV and the caveat,
and a warning is logged. Every other failure throws SparseMIError.
"""
function evidence(ds::Dataset, features; hyper=nothing, alpha=nothing, beta=nothing,
                  max_iter=nothing, tol=nothing, sigma_noise_grid=nothing,
                  sigma_coef_grid=nothing, prior=nothing, normal_gamma=nothing,
                  intercept=nothing, standardize=nothing)
    idx = feature_indices(ds, features)
    fnames = names(ds)
    ev = with_new(smi_evidence_create, smi_evidence_free) do cfg
        hyper === nothing ||
            check(smi_evidence_set_mode(cfg, code_of(HYPER_MODES, hyper, "hyper")))
        if alpha !== nothing || beta !== nothing
            a, b = getvals(smi_evidence_get_hyper, cfg, Cdouble, Cdouble)
            check(smi_evidence_set_hyper(cfg, something(alpha, a), something(beta, b)))
        end
        if max_iter !== nothing || tol !== nothing
            m, t = getvals(smi_evidence_get_iterations, cfg, Csize_t, Cdouble)
            max_iter === nothing || (m = sizearg(max_iter, "max_iter"; min=1))
            check(smi_evidence_set_iterations(cfg, m, something(tol, t)))
        end
        if sigma_noise_grid !== nothing || sigma_coef_grid !== nothing
            g = collect(Any, getvals(smi_evidence_get_grids, cfg, Cdouble, Cdouble, Csize_t,
                                     Cdouble, Cdouble, Csize_t))
            for (grid, at, what) in ((sigma_noise_grid, 1, "sigma_noise_grid"),
                                     (sigma_coef_grid, 4, "sigma_coef_grid"))
                grid === nothing && continue
                lo, hi, npts = tuplearg(grid, 3, what, "(lo, hi, n)")
                g[at], g[at + 1], g[at + 2] = lo, hi, sizearg(npts, what * " n")
            end
            check(smi_evidence_set_grids(cfg, g...))
        end
        if prior !== nothing
            code, shape, scale = prior_args(prior)
            _, s0, c0 = getvals(smi_evidence_get_prior, cfg, Cint, Cdouble, Cdouble)
            check(smi_evidence_set_prior(cfg, code, something(shape, s0), something(scale, c0)))
        end
        if normal_gamma !== nothing
            lam, a0, b0 = tuplearg(normal_gamma, 3, "normal_gamma", "(lambda, a0, b0)")
            check(smi_evidence_set_normal_gamma(cfg, lam, a0, b0))
        end
        intercept === nothing || check(smi_evidence_set_intercept(cfg, intercept ? 1 : 0))
        standardize === nothing || check(smi_evidence_set_standardize(cfg, standardize ? 1 : 0))
        out = Ref{Ptr{Cvoid}}(C_NULL)
        check(smi_evidence_run(handle(ds), idx, length(idx), cfg, out))
        try
            read_evidence(out[], idx, fnames)
        finally
            smi_evidence_result_free(out[])
        end
    end
    ev.status == SMI_OK || @warn "SparseMI.evidence: $(ev.caveat)"
    return ev
end

function read_evidence(h::Ptr{Cvoid}, idx, fnames)
    k = length(idx)
    mean = Vector{Float64}(undef, max(k, 1))
    icpt = Ref{Cdouble}(0)
    check(smi_evidence_result_mean(h, k, mean, icpt))
    mean = mean[1:k]
    cov = Matrix{Float64}(undef, k, k)   # row-major k x k, seen column-major: transposed
    k == 0 || check(smi_evidence_result_covariance(h, k * k, cov))
    cfg = evidence_config(smi_evidence_result_config(h))
    id = read_data_id(smi_evidence_result_data(h))
    names_ = id === nothing ? fnames : id.features
    fs = [names_[j + 1] for j in idx]
    status = Int(smi_evidence_result_status(h))
    status == SMI_OK || status == SMI_ENOCONV || check(status)
    fe = smi_evidence_result_free_energy(h)
    return Evidence(fe, -fe, smi_evidence_result_fit_term(h),
                    smi_evidence_result_complexity_term(h), smi_evidence_result_alpha(h),
                    smi_evidence_result_beta(h), smi_evidence_result_noise_sd(h),
                    smi_evidence_result_gamma_eff(h), Int(smi_evidence_result_iterations(h)),
                    smi_evidence_result_converged(h) != 0 && status == SMI_OK,
                    fs, Int.(idx) .+ 1, Dict{String,Float64}(zip(fs, mean)), mean, icpt[],
                    permutedims(cov), cfg.hyper, status,
                    unsafe_string(smi_evidence_result_caveat(h)), cfg, id)
end

# ----------------------------------------------------------------------------------
# Replica exchange
# ----------------------------------------------------------------------------------

"""
    RemcResult

What a replica-exchange run found (`remc`), copied out of the library: `ladder`,
`acceptance` (per inverse temperature), `exchange_rates` (between neighbours), `n_states`
(the exact number of subsets in the space), `n_proposals`; the DOS `dos_edges`,
`dos_log_counts` (ln of the estimated number of subsets per bin, -Inf where none was seen)
and `dos_errors` (standard errors, NaN where a block missed the bin); `models`, the best
distinct subsets visited (criterion, features, indices), refitted exactly;
`posterior_inclusion` (name => probability at inverse temperature 1, or `nothing`);
`trace` (replicas x sweeps energies); `features`; `config` (`remc_config`), `search`
(`search_config` of the search settings sampled) and `data` (`DataIdentity`).
"""
struct RemcResult
    ladder::Vector{Float64}
    acceptance::Vector{Float64}
    exchange_rates::Vector{Float64}
    n_states::Float64
    n_proposals::Int
    dos_edges::Vector{Float64}
    dos_log_counts::Vector{Float64}
    dos_errors::Vector{Float64}
    models::Vector{NamedTuple{(:criterion, :features, :indices),
                              Tuple{Float64,Vector{String},Vector{Int}}}}
    posterior_inclusion::Union{Dict{String,Float64},Nothing}
    trace::Matrix{Float64}
    features::Vector{String}
    status::Int
    caveat::String
    config::NamedTuple
    search::NamedTuple
    data::Union{DataIdentity,Nothing}
end

config(res::RemcResult) = res.config
data_id(res::RemcResult) = res.data
matches(res::RemcResult, ds::Dataset) = matches(res.data, ds)
features(res::RemcResult) = res.features

Base.show(io::IO, res::RemcResult) =
    print(io, "SparseMI.RemcResult(", length(res.ladder), " replicas, ",
          length(res.dos_log_counts), " bins, best ",
          isempty(res.models) ? "none" : res.models[1].features, ")")

"""
    remc(ds; criterion=nothing, min_size=nothing, max_size=nothing, size=nothing,
         keep=nothing, top=nothing, bins=nothing, bin_edges=nothing, alpha=nothing,
         beta=nothing, normal_gamma=nothing, ratio_grid=nothing, intercept=nothing,
         standardize=nothing, folds=nothing, fold_seed=nothing, replicas=nothing,
         beta_max=nothing, ladder=nothing, sweeps=nothing, burn_in=nothing, seed=nothing,
         threads=nothing, tune=nothing, progress=nothing) -> RemcResult

Replica-exchange Monte Carlo over the subsets of the features of `ds` (smi_remc_run). The
criterion and its settings, the sizes (`min_size`..`max_size`, or exactly `size`, then
the moves are swaps), `keep`, `top`, `bins`/`bin_edges` (the edges of an exhaustive
result's `dos` make the two comparable), `folds` and `fold_seed` are those of
`exhaustive_search`. `replicas` and `beta_max` give the geometric ladder 0, 1e-3 beta_max
.. beta_max, or `ladder` gives the inverse temperatures (increasing, 0 first for an exact
normalisation); `tune` moves the inner ones during the burn-in towards even exchange
rates; `sweeps` after `burn_in`; `seed`; `threads` (0: every core; the result is the same
for any count). Keywords left at `nothing` keep the library's defaults
(`defaults(:remc)`, `defaults(:search)`). `progress` as for `exhaustive_search`.
"""
function remc(ds::Dataset; criterion=nothing, min_size=nothing, max_size=nothing,
              size=nothing, keep=nothing, top=nothing, bins=nothing, bin_edges=nothing,
              alpha=nothing, beta=nothing, normal_gamma=nothing, ratio_grid=nothing,
              intercept=nothing, standardize=nothing, folds=nothing, fold_seed=nothing,
              replicas=nothing, beta_max=nothing, ladder=nothing, sweeps=nothing,
              burn_in=nothing, seed=nothing, threads=nothing, tune=nothing, progress=nothing)
    if size !== nothing
        min_size === nothing && max_size === nothing ||
            throw(ArgumentError("give size, or min_size and max_size, not both"))
        min_size = max_size = size
    end
    fnames = names(ds)
    with_new(smi_remc_create, smi_remc_free) do rc
        if ladder !== nothing
            replicas === nothing && beta_max === nothing ||
                throw(ArgumentError("give ladder, or replicas and beta_max, not both"))
            betas = Vector{Float64}(ladder)
            check(smi_remc_set_ladder(rc, betas, length(betas)))
        elseif replicas !== nothing || beta_max !== nothing
            r, b = getvals(smi_remc_get_replicas, rc, Csize_t, Cdouble)
            replicas === nothing || (r = sizearg(replicas, "replicas"))
            check(smi_remc_set_replicas(rc, r, something(beta_max, b)))
        end
        if sweeps !== nothing || burn_in !== nothing
            s, b = getvals(smi_remc_get_sweeps, rc, Csize_t, Csize_t)
            sweeps === nothing || (s = sizearg(sweeps, "sweeps"))
            burn_in === nothing || (b = sizearg(burn_in, "burn_in"))
            check(smi_remc_set_sweeps(rc, s, b))
        end
        seed === nothing || check(smi_remc_set_seed(rc, seedarg(seed, "seed")))
        threads === nothing || check(smi_remc_set_threads(rc, sizearg(threads, "threads")))
        tune === nothing || check(smi_remc_set_tuning(rc, tune ? 1 : 0))
        with_new(smi_search_create, smi_search_free) do cfg
            configure_criterion!(cfg, ds, criterion; alpha=alpha, beta=beta,
                                 intercept=intercept, standardize=standardize,
                                 normal_gamma=normal_gamma, ratio_grid=ratio_grid,
                                 folds=folds, fold_seed=fold_seed)
            # No exact model posterior: replica exchange samples it instead.
            _, q = getvals(smi_search_get_model_prior, cfg, Cint, Cdouble)
            check(smi_search_set_model_prior(cfg, SMI_MODEL_PRIOR_NONE, q))
            set_sizes!(cfg, ds, min_size, max_size, keep)
            top === nothing || check(smi_search_set_top(cfg, sizearg(top, "top"; min=1)))
            set_bins!(cfg, bins, bin_edges)
            out = Ref{Ptr{Cvoid}}(C_NULL)
            run_with_progress(progress, () -> smi_remc_result_free(out[])) do fn, user
                fn == C_NULL || check(smi_search_set_progress(cfg, fn, user))
                smi_remc_run(handle(ds), cfg, rc, out)
            end
            try
                read_remc(out[], fnames)
            finally
                smi_remc_result_free(out[])
            end
        end
    end
end

function read_remc(h::Ptr{Cvoid}, fnames)
    id = read_data_id(smi_remc_result_data(h))
    fs = id === nothing ? fnames : id.features
    np = length(fs)
    R = Int(smi_remc_result_n_replicas(h))
    nb = Int(smi_remc_result_n_bins(h))
    edges = Vector{Float64}(undef, nb + 1)
    logs = Vector{Float64}(undef, nb + 1)
    errs = Vector{Float64}(undef, nb + 1)
    check(smi_remc_result_dos(h, nb + 1, edges, logs, errs))
    mods = NamedTuple{(:criterion, :features, :indices),Tuple{Float64,Vector{String},Vector{Int}}}[]
    feats, k, value = Vector{Csize_t}(undef, max(np, 1)), Ref{Csize_t}(0), Ref{Cdouble}(0)
    for r in 1:Int(smi_remc_result_n_top(h))
        check(smi_remc_result_model(h, r - 1, length(feats), feats, k, value))
        idx = Int.(feats[1:Int(k[])]) .+ 1
        push!(mods, (criterion = value[], features = fs[idx], indices = idx))
    end
    prob = posterior_vector(smi_remc_result_posterior_inclusion, h, np)
    sweeps = Int(smi_remc_result_n_sweeps(h))
    trace = Matrix{Float64}(undef, R, sweeps)
    row = Vector{Float64}(undef, max(sweeps, 1))
    for r in 1:R
        check(smi_remc_result_trace(h, r - 1, sweeps, row))
        trace[r, :] = row[1:sweeps]
    end
    return RemcResult(getbuf(smi_remc_result_ladder, h, Float64, R),
                      getbuf(smi_remc_result_acceptance, h, Float64, R),
                      getbuf(smi_remc_result_exchange_rates, h, Float64, max(R - 1, 0)),
                      smi_remc_result_n_states(h), Int(smi_remc_result_n_proposals(h)),
                      edges, logs[1:nb], errs[1:nb], mods,
                      prob === nothing ? nothing : Dict{String,Float64}(zip(fs, prob)),
                      trace, collect(String, fs), Int(smi_remc_result_status(h)),
                      unsafe_string(smi_remc_result_caveat(h)),
                      remc_config(smi_remc_result_config(h)),
                      search_config(smi_remc_result_search(h), fs), id)
end

# ----------------------------------------------------------------------------------
# Sparse paths: LARS, LASSO / elastic net, and the supports along them
# ----------------------------------------------------------------------------------

"""
    LarsPath

A LARS path (`lars_path`, an smi_lars_result): `alphas` (T knots, non-increasing),
`coefficients` (T x p, data units, columns in the order of `features`), `intercepts` (T),
`active` (per knot, the active feature names in the order they entered), `status` (SMI_OK,
or SMI_ESINGULAR when the path stopped at a rank-deficient active set: a success with a
caveat, the knots before are exact), `caveat` (its message, "" when none), `features`,
`method`, `positive`, `max_steps` (`nothing`: no limit), `data` (`DataIdentity`). With
`supports`, `best_support` (the LARS-OLS hybrid) and `on_dos`. Keeps the Dataset it was
computed on. Freed by the garbage collector, or at once by `close(path)`.
"""
mutable struct LarsPath
    handle::Ptr{Cvoid}
    ds::Dataset
    features::Vector{String}
    alphas::Vector{Float64}
    coefficients::Matrix{Float64}
    intercepts::Vector{Float64}
    active::Vector{Vector{String}}
    status::Int
    caveat::String
    method::String
    positive::Bool
    max_steps::Union{Int,Nothing}
    data::Union{DataIdentity,Nothing}

    function LarsPath(h::Ptr{Cvoid}, ds::Dataset)
        h == C_NULL && throw(ArgumentError("NULL smi_lars_result handle"))
        path = finalizer(close, new(h, ds))   # owns h from here on
        try
            read_lars!(path, h, ds)
        catch
            close(path)
            rethrow()
        end
        return path
    end
end

function read_lars!(path::LarsPath, h::Ptr{Cvoid}, ds::Dataset)
    id = read_data_id(smi_lars_result_data(h))
    fs = id === nothing ? names(ds) : id.features
    T, np = Int(smi_lars_result_n_knots(h)), length(fs)
    alphas = getbuf(smi_lars_result_knots, h, Float64, T)
    coef = Matrix{Float64}(undef, np, T)   # row-major T x p, seen column-major
    icpt = Vector{Float64}(undef, max(T, 1))
    T * np == 0 || check(smi_lars_result_coefficients(h, T * np, coef, icpt))
    buf, count = Vector{Csize_t}(undef, max(np, 1)), Ref{Csize_t}(0)
    active = Vector{String}[]
    for t in 1:T
        check(smi_lars_result_active(h, t - 1, length(buf), buf, count))
        push!(active, fs[Int.(buf[1:Int(count[])]) .+ 1])
    end
    cfg = lars_config(smi_lars_result_config(h))
    path.features, path.alphas, path.coefficients = fs, alphas, permutedims(coef)
    path.intercepts, path.active = icpt[1:T], active
    path.status = Int(smi_lars_result_status(h))
    path.caveat = unsafe_string(smi_lars_result_caveat(h))
    path.method, path.positive, path.max_steps = cfg.method, cfg.positive, cfg.max_steps
    path.data = id
    return path
end

"""
    LassoPath

A LASSO or elastic-net path by coordinate descent (`lasso_path`, `lasso_cv`; an
smi_lasso_result): `lambdas` (L, decreasing), `coef` (L x p, data units, columns in the
order of `features`), `intercept` (L), `features`, `alpha` (the mixing parameter),
`positive`, `status` and `caveat` (SMI_OK and "": a LASSO path has no success with a
caveat), `data` (`DataIdentity`), and `cv`: `nothing` for a path without
cross-validation, else (mean, se, index_min, lambda_min, index_1se, lambda_1se): the CV
curve (mean held-out squared error over the folds weighted by fold size, and its standard
error, as cv.glmnet), the largest lambda of smallest mean and the largest lambda whose mean
is at most the smallest mean plus its se (1-based indices into `lambdas`). `coef_min`,
`coef_1se`, `support_min`, `support_1se`, `intercept_min`, `intercept_1se` read the
solutions there; `config(path).folds`
the folds. With `supports`, `best_support` and `on_dos`. Keeps the Dataset it was computed
on. Freed by the garbage collector, or at once by `close(path)`.
"""
mutable struct LassoPath
    handle::Ptr{Cvoid}
    ds::Dataset
    features::Vector{String}
    lambdas::Vector{Float64}
    coef::Matrix{Float64}
    intercept::Vector{Float64}
    alpha::Float64
    positive::Bool
    cv::Union{NamedTuple,Nothing}
    status::Int
    caveat::String
    data::Union{DataIdentity,Nothing}

    function LassoPath(h::Ptr{Cvoid}, ds::Dataset)
        h == C_NULL && throw(ArgumentError("NULL smi_lasso_result handle"))
        path = finalizer(close, new(h, ds))   # owns h from here on
        try
            read_lasso!(path, h, ds)
        catch
            close(path)
            rethrow()
        end
        return path
    end
end

function read_lasso!(path::LassoPath, h::Ptr{Cvoid}, ds::Dataset)
    id = read_data_id(smi_lasso_result_data(h))
    fs = id === nothing ? names(ds) : id.features
    L, np = Int(smi_lasso_result_n_lambdas(h)), Int(smi_lasso_result_p(h))
    lambdas = getbuf(smi_lasso_result_lambdas, h, Float64, L)
    coef = Matrix{Float64}(undef, np, L)   # row-major L x p, seen column-major
    icpt = Vector{Float64}(undef, max(L, 1))
    L * np == 0 || check(smi_lasso_result_coefficients(h, L * np, coef, icpt))
    cfg = lasso_config(smi_lasso_result_config(h))
    cv = nothing
    if cfg.cv
        mean, se = Vector{Float64}(undef, max(L, 1)), Vector{Float64}(undef, max(L, 1))
        check(smi_lasso_result_cv_curve(h, L, mean, se))
        imin, i1se = getvals(smi_lasso_result_cv_choice, h, Csize_t, Csize_t)
        cv = (mean = mean[1:L], se = se[1:L],
              index_min = Int(imin) + 1, lambda_min = lambdas[imin + 1],
              index_1se = Int(i1se) + 1, lambda_1se = lambdas[i1se + 1])
    end
    path.features, path.lambdas, path.coef = fs, lambdas, permutedims(coef)
    path.intercept, path.alpha, path.positive = icpt[1:L], cfg.alpha, cfg.positive
    path.cv, path.data = cv, id
    path.status = Int(smi_lasso_result_status(h))   # SMI_OK: the LASSO has no caveat
    path.caveat = unsafe_string(smi_lasso_result_caveat(h))
    return path
end

const SparsePath = Union{LarsPath,LassoPath}

free_fn(::LarsPath) = smi_lars_result_free
free_fn(::LassoPath) = smi_lasso_result_free
supports_fn(::LarsPath) = smi_path_supports_from_lars
supports_fn(::LassoPath) = smi_path_supports_from_lasso

function Base.close(path::SparsePath)
    if path.handle != C_NULL
        free_fn(path)(path.handle)
        path.handle = C_NULL
    end
    return nothing
end

handle(path::SparsePath) =
    path.handle == C_NULL ? throw(ArgumentError("the $(nameof(typeof(path))) is closed")) :
    path.handle

features(path::SparsePath) = path.features
data_id(path::SparsePath) = path.data
config(path::LarsPath) = lars_config(smi_lars_result_config(handle(path)))
config(path::LassoPath) = lasso_config(smi_lasso_result_config(handle(path)), path.features)
matches(path::LarsPath, ds::Dataset) =
    smi_data_id_matches(smi_lars_result_data(handle(path)), handle(ds)) == 1
matches(path::LassoPath, ds::Dataset) =
    smi_data_id_matches(smi_lasso_result_data(handle(path)), handle(ds)) == 1

# The solution at a chosen lambda of a cross-validated path, name => coefficient.
function cv_choice(path::LassoPath, which::Symbol)
    path.cv === nothing && throw(SparseMIError(SMI_ENOTFOUND, "the path was not cross-validated"))
    return getfield(path.cv, which)
end

"The coefficients at lambda_min (name => value, data units) of a cross-validated path."
coef_min(path::LassoPath) =
    Dict{String,Float64}(zip(path.features, path.coef[cv_choice(path, :index_min), :]))

"The coefficients at lambda_1se (name => value, data units) of a cross-validated path."
coef_1se(path::LassoPath) =
    Dict{String,Float64}(zip(path.features, path.coef[cv_choice(path, :index_1se), :]))

"The names of the nonzero coefficients at lambda_min of a cross-validated path, in the data set's order."
support_min(path::LassoPath) =
    path.features[path.coef[cv_choice(path, :index_min), :] .!= 0]

"The names of the nonzero coefficients at lambda_1se of a cross-validated path, in the data set's order."
support_1se(path::LassoPath) =
    path.features[path.coef[cv_choice(path, :index_1se), :] .!= 0]

"The intercept at lambda_min of a cross-validated path."
intercept_min(path::LassoPath) = path.intercept[cv_choice(path, :index_min)]

"The intercept at lambda_1se of a cross-validated path."
intercept_1se(path::LassoPath) = path.intercept[cv_choice(path, :index_1se)]

function Base.show(io::IO, path::LarsPath)
    print(io, "SparseMI.LarsPath(method=", repr(path.method), ", knots=", length(path.alphas),
          ", status=", path.status, path.handle == C_NULL ? ", closed" : "", ")")
end

function Base.show(io::IO, path::LassoPath)
    print(io, "SparseMI.LassoPath(lambdas=", length(path.lambdas), ", p=",
          length(path.features), path.cv === nothing ? "" : ", cv",
          path.handle == C_NULL ? ", closed" : "", ")")
end

"""
    lars_path(ds; method=nothing, positive=nothing, max_steps=nothing) -> LarsPath

Least angle regression of the target of `ds` on its features (smi_lars_run: centred,
standardised by their sd, coefficients reported in the data's units; alphas as
scikit-learn's lars_path reports them on the standardised data). `method`: "lar" (least
angle regression, the library's default, taken when `nothing`) or "lasso" (the LASSO
path); `positive`: coefficients kept >= 0 ("lasso" only);
`max_steps`: `nothing` for the whole path. A path cut short at a rank-deficient active set
is returned with status SMI_ESINGULAR and its caveat.
"""
function lars_path(ds::Dataset; method=nothing, positive=nothing, max_steps=nothing)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    with_new(smi_lars_create, smi_lars_free) do cfg
        method === nothing ||
            check(smi_lars_set_method(cfg, code_of(LARS_METHODS, method, "method")))
        positive === nothing || check(smi_lars_set_positive(cfg, positive ? 1 : 0))  # after the method
        max_steps === nothing ||
            check(smi_lars_set_max_steps(cfg, sizearg(max_steps, "max_steps"; min=1)))
        check(smi_lars_run(handle(ds), cfg, out))
    end
    return LarsPath(out[], ds)
end

# lasso_path's options on the smi_lasso cfg; nothing keeps the library's.
function configure_lasso!(cfg, ds::Dataset; alpha=nothing, n_lambdas=nothing,
                          lambda_min_ratio=nothing, lambdas=nothing, positive=nothing,
                          penalty_factors=nothing, tol=nothing, max_passes=nothing,
                          threads=nothing)
    alpha === nothing || check(smi_lasso_set_alpha(cfg, alpha))
    if n_lambdas !== nothing || lambda_min_ratio !== nothing
        nl, ratio = getvals(smi_lasso_get_path, cfg, Csize_t, Cdouble)
        n_lambdas === nothing || (nl = sizearg(n_lambdas, "n_lambdas"; min=1))
        check(smi_lasso_set_path(cfg, nl, something(lambda_min_ratio, ratio)))
    end
    if lambdas !== nothing   # after set_path, which drops given lambdas
        values = Vector{Float64}(lambdas)
        check(smi_lasso_set_lambdas(cfg, values, length(values)))
    end
    positive === nothing || check(smi_lasso_set_positive(cfg, positive ? 1 : 0))
    if penalty_factors !== nothing
        if penalty_factors isa AbstractDict
            factors = ones(Float64, p(ds))
            for (f, v) in penalty_factors
                factors[Int(feature_index0(ds, f)) + 1] = v
            end
        else
            factors = Vector{Float64}(penalty_factors)
        end
        check(smi_lasso_set_penalty_factors(cfg, factors, length(factors)))
    end
    if tol !== nothing || max_passes !== nothing
        t, m = getvals(smi_lasso_get_tolerance, cfg, Cdouble, Csize_t)
        max_passes === nothing || (m = sizearg(max_passes, "max_passes"; min=1))
        check(smi_lasso_set_tolerance(cfg, something(tol, t), m))
    end
    threads === nothing || check(smi_lasso_set_threads(cfg, sizearg(threads, "threads")))
    return nothing
end

"""
    lasso_path(ds; alpha=nothing, n_lambdas=nothing, lambda_min_ratio=nothing,
               lambdas=nothing, positive=nothing, penalty_factors=nothing, tol=nothing,
               max_passes=nothing, threads=nothing) -> LassoPath

The LASSO (alpha 1, the library's default) or elastic-net path of the target of `ds` on
its features by coordinate descent, as glmnet computes it (smi_lasso_run): minimise over b0
and w (1/2n)|y - b0 - Xw|^2 + lambda sum_j f_j (alpha |w_j| + (1 - alpha)/2 w_j^2), the
features standardised while solving and the coefficients reported in the data's units.
`n_lambdas` lambdas log-spaced from lambda_max down to `lambda_min_ratio` lambda_max, or
`lambdas` (decreasing) instead; `positive`: every coefficient >= 0; `penalty_factors`: the
f_j, p values or a Dict name => factor (the others 1); `tol`, `max_passes`: the stopping
rule (SMI_ENOCONV beyond max_passes). Keywords left at `nothing` keep the library's
defaults (`defaults(:lasso)`).
"""
function lasso_path(ds::Dataset; options...)
    return run_lasso(ds, false, nothing, nothing; options...)
end

"""
    lasso_cv(ds; folds=nothing, fold_seed=nothing, options...) -> LassoPath

`lasso_path`'s path (with its `options`), then K-fold cross-validation over its lambdas
(smi_lasso_run with smi_lasso_set_cv): each training set is fitted at the full data's
lambdas and predicts its held-out fold. `folds`, `fold_seed`: as for `exhaustive_search`'s
"cv", set on this run's configuration (`ds` is only read): `nothing` uses the file's fold
column when there is one, else the library's 10 folds shuffled with seed 0 (as `sparsemi
lasso --cv`). The result's `cv` holds the curve and lambda_min, lambda_1se.
"""
function lasso_cv(ds::Dataset; folds=nothing, fold_seed=nothing, options...)
    return run_lasso(ds, true, folds, fold_seed; options...)
end

function run_lasso(ds::Dataset, cv::Bool, folds, fold_seed; options...)
    out = Ref{Ptr{Cvoid}}(C_NULL)
    with_new(smi_lasso_create, smi_lasso_free) do cfg
        configure_lasso!(cfg, ds; options...)
        if cv
            check(smi_lasso_set_cv(cfg, 1))
            set_folds!(cfg, ds, folds, fold_seed, LASSO_FOLDS)
        end
        check(smi_lasso_run(handle(ds), cfg, out))
    end
    return LassoPath(out[], ds)
end

"""
    Support

One distinct support (set of nonzero coefficients) along a sparse path, refitted by least
squares and scored as `score_subset` scores it: `penalty` (where it first appears: LARS,
the alpha of the knot that starts its segment; coordinate descent, the lambda), `size`,
`features` and `indices` (1-based, ascending), `coefficients` (name => least-squares
coefficient, data units), `intercept` (`nothing` when refitted without one), `criterion`
(smaller is better), `singular` (true when it cannot be scored: rank deficient, or no
residual degree of freedom for AIC and BIC; criterion NaN, coefficients and intercept 0).
"""
struct Support
    penalty::Float64
    size::Int
    features::Vector{String}
    indices::Vector{Int}
    coefficients::Dict{String,Float64}
    intercept::Union{Float64,Nothing}
    criterion::Float64
    singular::Bool
end

"""
    SupportRank

A support placed among the subsets of an exhaustive search (`on_dos`): `support`, and
`rank`, `rank_lo`, `rank_hi`, `percentile` as `rank(res, value)` gives them (all `nothing`
for a singular support).
"""
struct SupportRank
    support::Support
    rank::Union{Float64,Nothing}
    rank_lo::Union{Int,Nothing}
    rank_hi::Union{Int,Nothing}
    percentile::Union{Float64,Nothing}
end

# The supports of `path` scored with the smi_search `cfg`: (Vector{Support}, best index or nothing).
function support_list(path::SparsePath, cfg::Ptr{Cvoid})
    fs = path.features
    intercept = getvals(smi_search_get_intercept, cfg, Cint)[1] != 0
    out = Ref{Ptr{Cvoid}}(C_NULL)
    check(supports_fn(path)(handle(path.ds), handle(path), cfg, out))
    list = out[]
    try
        np = max(length(fs), 1)
        idx, coef = Vector{Csize_t}(undef, np), Vector{Cdouble}(undef, np)
        size = Ref{Csize_t}(0)
        penalty, crit, icpt = Ref{Cdouble}(0), Ref{Cdouble}(0), Ref{Cdouble}(0)
        found = Support[]
        for i in 1:Int(smi_path_supports_count(list))
            status = smi_path_supports_get(list, i - 1, np, idx, coef, size, penalty, crit, icpt)
            status == SMI_ESINGULAR || check(status)
            k = Int(size[])
            chosen = Int.(idx[1:k]) .+ 1
            push!(found, Support(penalty[], k, fs[chosen], chosen,
                                 Dict{String,Float64}(zip(fs[chosen], coef[1:k])),
                                 intercept ? icpt[] : nothing, crit[],
                                 status == SMI_ESINGULAR))
        end
        best = Ref{Csize_t}(0)
        status = smi_path_supports_best(list, best)
        status == SMI_ENOTFOUND || check(status)
        return found, status == SMI_OK ? Int(best[]) + 1 : nothing
    finally
        smi_path_supports_free(list)
    end
end

# support_list with a new smi_search configured by score_subset's keywords.
function support_list(path::SparsePath; criterion=nothing, folds=nothing, fold_seed=nothing,
                      alpha=nothing, beta=nothing, intercept=nothing, standardize=nothing,
                      normal_gamma=nothing, ratio_grid=nothing)
    with_new(smi_search_create, smi_search_free) do cfg
        configure_criterion!(cfg, path.ds, criterion; alpha=alpha, beta=beta,
                             intercept=intercept, standardize=standardize,
                             normal_gamma=normal_gamma, ratio_grid=ratio_grid, folds=folds,
                             fold_seed=fold_seed)
        support_list(path, cfg)
    end
end

"""
    supports(path; criterion=nothing, folds=nothing, fold_seed=nothing, alpha=nothing,
             beta=nothing, intercept=nothing, standardize=nothing, normal_gamma=nothing,
             ratio_grid=nothing) -> Vector{Support}

The distinct non-empty supports along a LarsPath or LassoPath, in the order they first
appear (decreasing penalty), each refitted by least squares and scored by `criterion`
with the settings of `score_subset` (smi_path_supports_from_lars / _from_lasso; the folds
of "cv" are this call's own, whatever folds the path was cross-validated on).
"""
supports(path::SparsePath; settings...) = support_list(path; settings...)[1]

"""
    best_support(path; settings...) -> Support or nothing

The support of smallest criterion among `supports(path; settings...)` (the first on a tie;
singular supports never win), or `nothing` when none could be scored. On a LARS path this
is the LARS-OLS hybrid's choice.
"""
function best_support(path::SparsePath; settings...)
    found, best = support_list(path; settings...)
    return best === nothing ? nothing : found[best]
end

"""
    on_dos(path, res::SearchResult; settings...) -> Vector{SupportRank}

Each support along `path` placed among the subsets the exhaustive search `res` scored
(LASSO on the DOS), in the order of `supports`. Without `settings` the supports are
scored with the search's own configuration (`config(res)`), so each support's criterion is
the value the search computed for that subset; a result that keeps no configuration
needs the settings given to `exhaustive_search` (criterion and intercept default to the
search's). A support larger than the search's max_size is still ranked among the
subsets it scored. SMI_EINVAL when the path and the search are over other data.
"""
function on_dos(path::SparsePath, res::SearchResult; settings...)
    if path.data !== nothing && res.data !== nothing && path.data.fingerprint != res.data.fingerprint
        throw(einval("on_dos: the path and the search were computed on other data"))
    end
    cfg = smi_search_result_config(handle(res))
    found = if isempty(settings) && cfg != C_NULL
        GC.@preserve res support_list(path, cfg)[1]
    else
        kw = Dict{Symbol,Any}(settings)
        searched = criterion(res)
        given = get(kw, :criterion, nothing)
        if given === nothing
            kw[:criterion] = searched
        elseif criterion_code(given) != criterion_code(searched)
            throw(einval("on_dos: criterion $(repr(given)), but the search scored $(repr(searched))"))
        end
        get(kw, :intercept, nothing) === nothing && (kw[:intercept] = res.intercept)
        support_list(path; kw...)[1]
    end
    return [support_rank(res, s) for s in found]
end

function support_rank(res::SearchResult, s::Support)
    (s.singular || !isfinite(s.criterion)) &&
        return SupportRank(s, nothing, nothing, nothing, nothing)
    r = rank(res, s.criterion)
    return SupportRank(s, r.rank, r.rank_lo, r.rank_hi, r.percentile)
end

# ----------------------------------------------------------------------------------
# Virtual measurement analysis
# ----------------------------------------------------------------------------------

"""
    VmaModel

The true model of a virtual measurement, as used: `features` (names, in the order given),
`indices` (1-based), `coefficients` (name => coefficient, data units), `intercept`,
`noise_sd`.
"""
struct VmaModel
    features::Vector{String}
    indices::Vector{Int}
    coefficients::Dict{String,Float64}
    intercept::Float64
    noise_sd::Float64
end

"""
    VmaResult

What a virtual measurement found (`vma`), copied out of the library: `sizes` (S sample
sizes n'), `trials` (T data sets per size); per size `recovery_rate` (the fraction of the T
data sets whose chosen subset is exactly the model's) and `failures` (data sets on which
the method could not choose); `selection_frequency` (S x p: the fraction choosing feature
j; a failure chooses none) and `selection_by_name` (name => its column); `chosen_size`
(S x (p + 1): data sets choosing a subset of each size 0..p, column k + 1 for size k);
`model` (`VmaModel`, the truth as used); `features`; `method` ("es" or "lasso"); `rows`
("resample" or "gaussian"); `config` (`vma_config`) and `data` (`DataIdentity`).
"""
struct VmaResult
    sizes::Vector{Int}
    trials::Int
    recovery_rate::Vector{Float64}
    failures::Vector{Int}
    selection_frequency::Matrix{Float64}
    selection_by_name::Dict{String,Vector{Float64}}
    chosen_size::Matrix{Int}
    model::VmaModel
    features::Vector{String}
    method::String
    rows::String
    status::Int
    caveat::String
    config::NamedTuple
    data::Union{DataIdentity,Nothing}
end

config(res::VmaResult) = res.config
data_id(res::VmaResult) = res.data
matches(res::VmaResult, ds::Dataset) = matches(res.data, ds)
features(res::VmaResult) = res.features

Base.show(io::IO, res::VmaResult) =
    print(io, "SparseMI.VmaResult(model=", res.model.features, ", sizes=", res.sizes,
          ", recovery=", round.(res.recovery_rate; digits=3), ")")

# The model's features: names or indices, or an object with a `features` field (Model, Support).
vma_features(ds::Dataset, model) =
    feature_indices(ds, (model isa Model || model isa Support) ? model.features : model)

"""
    vma(ds, model; coefficients=nothing, intercept=nothing, noise_sd=nothing, rows=nothing,
        sizes=nothing, trials=nothing, seed=nothing, threads=nothing, method=nothing,
        criterion=nothing, min_size=nothing, max_size=nothing, keep=nothing, folds=nothing,
        alpha=nothing, beta=nothing, normal_gamma=nothing, ratio_grid=nothing,
        standardize=nothing, lasso=nothing, one_se=false, progress=nothing) -> VmaResult

Virtual measurement analysis of `ds` with a true model (smi_vma_run): `model` its features
(names or 1-based indices, any order, or a `Model` or `Support`); `coefficients` (a vector
in the model's order, or a Dict name => value) and `intercept` in the data's units, both or
neither (neither: the least-squares fit of the model on `ds`); `noise_sd`: `nothing` to
estimate it from the evidence of the model on `ds`.
`rows`: "resample" (rows of X with replacement) or "gaussian"; `sizes`: the sample sizes
n'; `trials` per size; `seed` of every draw; `threads` (0: every core; the result does not
depend on it). `method` "es" (the library's default): the best model of an exhaustive
search with `criterion`, `min_size`, `max_size`, `keep`, `alpha`, `beta`, `normal_gamma`,
`ratio_grid`, `standardize` as for `exhaustive_search`; "lasso": the support at lambda_min
(lambda_1se with `one_se`) of LASSO-CV, `lasso` a NamedTuple of `lasso_path`'s options.
`folds`: K only (each synthetic data set gets its own shuffled min(K, n')-fold split).
Keywords left at `nothing` keep the library's defaults (`defaults(:vma)`). `progress` as
for `exhaustive_search`.
"""
function vma(ds::Dataset, model; coefficients=nothing, intercept=nothing, noise_sd=nothing,
             rows=nothing, sizes=nothing, trials=nothing, seed=nothing, threads=nothing,
             method=nothing, criterion=nothing, min_size=nothing, max_size=nothing,
             keep=nothing, folds=nothing, alpha=nothing, beta=nothing, normal_gamma=nothing,
             ratio_grid=nothing, standardize=nothing, lasso=nothing, one_se::Bool=false,
             progress=nothing)
    fnames = names(ds)
    idx = vma_features(ds, model)
    (coefficients === nothing) == (intercept === nothing) ||
        throw(ArgumentError("give coefficients and intercept both, or neither to take the " *
                            "least-squares fit"))
    coefs = C_NULL
    if coefficients isa AbstractDict
        byindex = Dict(feature_index0(ds, f) => Float64(v) for (f, v) in coefficients)
        Set(keys(byindex)) == Set(idx) ||
            throw(ArgumentError("coefficients are given for $(collect(keys(coefficients))), " *
                                "the model has $(fnames[Int.(idx) .+ 1])"))
        coefs = [byindex[j] for j in idx]
    elseif coefficients !== nothing
        coefs = Vector{Float64}(coefficients)
        length(coefs) == length(idx) ||
            throw(ArgumentError("$(length(coefs)) coefficients for the $(length(idx)) " *
                                "features of the model"))
    end
    mcode = method === nothing ? SMI_VMA_SEARCH : code_of(VMA_METHODS, method, "method")
    with_new(smi_vma_create, smi_vma_free) do vc
        check(smi_vma_set_model(vc, idx, length(idx), coefs,
                                intercept === nothing ? 0.0 : intercept,
                                noise_sd === nothing ? -1.0 : noise_sd))
        rows === nothing || check(smi_vma_set_rows(vc, code_of(VMA_ROWS, rows, "rows")))
        if sizes !== nothing
            ns = Csize_t[sizearg(s, "sizes"; min=1) for s in sizes]
            check(smi_vma_set_sizes(vc, ns, length(ns)))
        end
        trials === nothing || check(smi_vma_set_trials(vc, sizearg(trials, "trials"; min=1)))
        seed === nothing || check(smi_vma_set_seed(vc, seedarg(seed, "seed")))
        threads === nothing || check(smi_vma_set_threads(vc, sizearg(threads, "threads")))
        if mcode == SMI_VMA_LASSO_CV
            given = [k for (k, v) in ((:criterion, criterion), (:min_size, min_size),
                                      (:max_size, max_size), (:keep, keep), (:alpha, alpha),
                                      (:beta, beta), (:normal_gamma, normal_gamma),
                                      (:ratio_grid, ratio_grid), (:standardize, standardize))
                     if v !== nothing]
            isempty(given) || throw(ArgumentError("$(join(given, ", ")) apply to method " *
                                                  "\"es\", not \"lasso\" (LASSO options go in lasso)"))
            with_new(smi_lasso_create, smi_lasso_free) do lc
                opts = lasso === nothing ? NamedTuple() : lasso
                configure_lasso!(lc, ds; opts...)
                folds === nothing || set_folds!(lc, ds, folds, nothing, LASSO_FOLDS)
                check(smi_vma_set_lasso(vc, lc, one_se ? 1 : 0))
            end
        else
            lasso === nothing && !one_se ||
                throw(ArgumentError("lasso and one_se apply to method \"lasso\", not \"es\""))
            with_new(smi_search_create, smi_search_free) do cfg
                # Each synthetic data set gets its own split: K only, never fold ids.
                configure_criterion!(cfg, ds, criterion; alpha=alpha, beta=beta,
                                     standardize=standardize, normal_gamma=normal_gamma,
                                     ratio_grid=ratio_grid, folds=folds, file_folds=false)
                set_sizes!(cfg, ds, min_size, max_size, keep)
                check(smi_vma_set_search(vc, cfg))
            end
        end
        out = Ref{Ptr{Cvoid}}(C_NULL)
        run_with_progress(progress, () -> smi_vma_result_free(out[])) do fn, user
            fn == C_NULL || check(smi_vma_set_progress(vc, fn, user))
            smi_vma_run(handle(ds), vc, out)
        end
        try
            read_vma(out[], fnames)
        finally
            smi_vma_result_free(out[])
        end
    end
end

function read_vma(h::Ptr{Cvoid}, fnames)
    id = read_data_id(smi_vma_result_data(h))
    fs = collect(String, id === nothing ? fnames : id.features)
    S = Int(smi_vma_result_n_sizes(h))
    T = Int(smi_vma_result_trials(h))
    np = Int(smi_vma_result_p(h))
    sizes = Int.(getbuf(smi_vma_result_sizes, h, Csize_t, S))
    freq = Matrix{Float64}(undef, np, max(S, 1))       # row-major S x p, seen column-major
    check(smi_vma_result_selection_frequency(h, S * np, freq))
    freq = permutedims(freq[:, 1:S])
    chosen = Matrix{UInt64}(undef, np + 1, max(S, 1))  # row-major S x (p + 1)
    check(smi_vma_result_chosen_size(h, S * (np + 1), chosen))
    k = Ref{Csize_t}(0)
    check(smi_vma_result_model(h, 0, C_NULL, C_NULL, k, C_NULL, C_NULL))
    kk = Int(k[])
    feats, coefs = Vector{Csize_t}(undef, max(kk, 1)), Vector{Cdouble}(undef, max(kk, 1))
    icpt, sd = Ref{Cdouble}(0), Ref{Cdouble}(0)
    check(smi_vma_result_model(h, kk, feats, coefs, k, icpt, sd))
    midx = Int.(feats[1:kk]) .+ 1
    model = VmaModel(fs[midx], midx, Dict{String,Float64}(zip(fs[midx], coefs[1:kk])),
                     icpt[], sd[])
    cfg = vma_config(smi_vma_result_config(h), fs)
    return VmaResult(sizes, T, getbuf(smi_vma_result_recovery_rate, h, Float64, S),
                     Int.(getbuf(smi_vma_result_failures, h, UInt64, S)), freq,
                     Dict{String,Vector{Float64}}(fs[j] => freq[:, j] for j in 1:np),
                     Int.(permutedims(chosen[:, 1:S])), model, fs, cfg.method, cfg.rows,
                     Int(smi_vma_result_status(h)), unsafe_string(smi_vma_result_caveat(h)),
                     cfg, id)
end

end # module
