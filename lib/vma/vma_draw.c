/* The random parts of virtual measurement analysis: each trial's stream, standard normal
 * deviates (Marsaglia's polar method) and the descriptor rows of synthetic data sets.
 * Cost: a resampled row O(p); a Gaussian row O(p^2) (the triangular product), after one
 * O(n p^2 + p^3) sample covariance and Cholesky factorisation per run. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg/linalg.h"
#include "vma/vma.h"

/* splitmix64's output function (Steele, Lea and Flood 2014): a bijection of 64-bit words
 * in which every input bit affects every output bit. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t smi_vma_stream_seed(uint64_t seed, uint64_t index)
{
    return mix64(seed ^ (UINT64_C(0x9e3779b97f4a7c15) * (index + 1)));
}

void smi_vma_stream_init(smi_vma_stream *st, uint64_t seed, uint64_t index)
{
    smi_rng_seed(&st->rng, smi_vma_stream_seed(seed, index));
    st->has_spare = 0;
    st->spare = 0.0;
}

double smi_vma_normal(smi_vma_stream *st)
{
    if (st->has_spare) {
        st->has_spare = 0;
        return st->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * smi_rng_uniform(&st->rng) - 1.0;
        v = 2.0 * smi_rng_uniform(&st->rng) - 1.0;
        s = u * u + v * v;
    } while (!(s > 0.0 && s < 1.0));
    double f = sqrt(-2.0 * log(s) / s);
    st->spare = v * f;
    st->has_spare = 1;
    return u * f;
}

void smi_vma_gen_free(smi_vma_gen *g)
{
    free(g->mean);
    free(g->chol);
    memset(g, 0, sizeof *g);
}

/* The sample covariance (divisor n - 1) of ds's features into g->chol (lower triangle,
 * column-major) by BLAS dsyrk on the centred columns, and the means into g->mean. */
static int sample_covariance(smi_vma_gen *g, const smi_dataset *ds)
{
    size_t n = ds->n, p = ds->p;
    double *Xc = smi_alloc_array(n, p * sizeof *Xc, "centred features");
    if (!Xc)
        return SMI_ENOMEM;
    for (size_t j = 0; j < p; j++) {
        g->mean[j] = ds->mean[j];
        for (size_t i = 0; i < n; i++)
            Xc[j * n + i] = ds->X[i * p + j] - ds->mean[j];
    }
    int ip = (int)p, in = (int)n;
    double scale = 1.0 / (double)(n - 1), zero = 0.0;
    dsyrk_("L", "T", &ip, &in, &scale, Xc, &in, &zero, g->chol, &ip, 1, 1);
    free(Xc);
    for (size_t j = 0; j < p; j++) /* only the lower triangle is a factor's */
        for (size_t i = 0; i < j; i++)
            g->chol[j * p + i] = 0.0;
    return SMI_OK;
}

static int gaussian_init(smi_vma_gen *g, const smi_dataset *ds)
{
    size_t n = ds->n, p = ds->p;
    SMI_FAIL_IF(n > INT_MAX || p > INT_MAX, SMI_ETOOLARGE,
                "%zu x %zu data: too large for LAPACK", n, p);
    SMI_FAIL_IF(n <= p, SMI_ESINGULAR, "the sample covariance of %zu features from %zu rows "
                "is singular: the Gaussian rows need more rows than features", p, n);
    g->mean = smi_alloc_array(p, sizeof *g->mean, "feature means");
    g->chol = smi_calloc_array(p, p * sizeof *g->chol, "Cholesky factor");
    if (!g->mean || !g->chol)
        return SMI_ENOMEM;
    SMI_TRY(sample_covariance(g, ds));
    int ip = (int)p, info = 0;
    dpotrf_("L", &ip, g->chol, &ip, &info, 1);
    SMI_FAIL_IF(info > 0, SMI_ESINGULAR, "the sample covariance of the features is not "
                "positive definite: feature '%s' is constant or a linear combination of the "
                "features before it", ds->feature_names[info - 1]);
    SMI_FAIL_IF(info < 0, SMI_EINVAL, "dpotrf: argument %d is invalid", -info);
    return SMI_OK;
}

int smi_vma_gen_init(smi_vma_gen *g, const smi_dataset *ds, int kind)
{
    memset(g, 0, sizeof *g);
    g->kind = kind;
    g->n = ds->n;
    g->p = ds->p;
    g->X = ds->X;
    if (kind == SMI_VMA_RESAMPLE)
        return SMI_OK;
    SMI_FAIL_IF(kind != SMI_VMA_GAUSSIAN, SMI_EINVAL, "unknown row generator %d", kind);
    int rc = gaussian_init(g, ds);
    if (rc != SMI_OK)
        smi_vma_gen_free(g);
    return rc;
}

void smi_vma_gen_row(const smi_vma_gen *g, smi_vma_stream *st, double *row, double *z)
{
    size_t p = g->p;
    if (g->kind == SMI_VMA_RESAMPLE) {
        size_t i = (size_t)smi_rng_below(&st->rng, g->n);
        memcpy(row, g->X + i * p, p * sizeof *row);
        return;
    }
    for (size_t j = 0; j < p; j++)
        z[j] = smi_vma_normal(st);
    for (size_t j = 0; j < p; j++) { /* row = mean + L z, L lower triangular */
        double sum = g->mean[j];
        for (size_t i = 0; i <= j; i++)
            sum += g->chol[i * p + j] * z[i];
        row[j] = sum;
    }
}
