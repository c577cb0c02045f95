/* Gram matrices and QR factorisations through BLAS and LAPACK. */
#include <limits.h>
#include <stdlib.h>

#include "core/core.h"
#include "linalg/linalg.h"

int smi_linalg_gram(const double *a, size_t rows, size_t cols, double *c)
{
    SMI_FAIL_IF(rows > INT_MAX || cols > INT_MAX, SMI_ETOOLARGE,
                "matrix of %zu x %zu is too large for BLAS", rows, cols);
    int n = (int)cols, k = (int)rows, lda = k > 1 ? k : 1, ldc = n > 1 ? n : 1;
    double one = 1.0, zero = 0.0;
    dsyrk_("U", "T", &n, &k, &one, a, &lda, &zero, c, &ldc, 1, 1);
    for (size_t j = 0; j < cols; j++) /* mirror the upper triangle */
        for (size_t i = j + 1; i < cols; i++)
            c[j * cols + i] = c[i * cols + j];
    return SMI_OK;
}

int smi_linalg_qr_upper(double *a, size_t rows, size_t cols, double *tau)
{
    SMI_FAIL_IF(rows > INT_MAX || cols > INT_MAX, SMI_ETOOLARGE,
                "matrix of %zu x %zu is too large for LAPACK", rows, cols);
    int m = (int)rows, n = (int)cols, lda = m > 1 ? m : 1, info = 0, query = -1;
    double optimal = 0.0;
    dgeqrf_(&m, &n, a, &lda, tau, &optimal, &query, &info);
    int lwork = optimal > 1.0 ? (int)optimal : 1;
    double *work = smi_alloc_array((size_t)lwork, sizeof *work, "QR workspace");
    if (!work)
        return SMI_ENOMEM;
    dgeqrf_(&m, &n, a, &lda, tau, work, &lwork, &info);
    free(work);
    SMI_FAIL_IF(info != 0, SMI_EINVAL, "dgeqrf rejected argument %d", -info);
    return SMI_OK;
}
