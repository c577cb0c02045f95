"""
    SparseMI

Julia bindings of libsparsemi, sparse modeling for materials science. The library is the
path in the environment variable `SPARSEMI_LIBRARY` (read when the package is compiled),
else the soname `libsparsemi.so.0`. The `smi_*` ccall wrappers and `SMI_*` constants are
generated from include/sparsemi.h into LibSparseMI.jl; this file is the thin layer above.

    ds = SparseMI.Dataset("octet_binaries.csv"; target = "dE_RS_ZB")
    SparseMI.n(ds), SparseMI.p(ds), names(ds), SparseMI.X(ds), SparseMI.y(ds)
"""
module SparseMI

export Dataset, SparseMIError

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
or from a delimited text file with a header row. Freed by the garbage collector, or at
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

end # module
