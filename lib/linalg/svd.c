/* Singular values through LAPACK's dgesvd (no vectors). */
#include <limits.h>
#include <stdlib.h>

#include "core/core.h"
#include "linalg/linalg.h"

int smi_linalg_singular_values(double *a, size_t rows, size_t cols, double *s)
{
    SMI_FAIL_IF(rows > INT_MAX || cols > INT_MAX, SMI_ETOOLARGE,
                "matrix of %zu x %zu is too large for LAPACK", rows, cols);
    int m = (int)rows, n = (int)cols, lda = m > 1 ? m : 1, one = 1, info = 0;
    int query = -1;
    double optimal = 0.0, dummy = 0.0;
    dgesvd_("N", "N", &m, &n, a, &lda, s, &dummy, &one, &dummy, &one, &optimal, &query,
            &info, 1, 1);
    SMI_FAIL_IF(info != 0, SMI_EINVAL, "dgesvd workspace query failed (info %d)", info);
    int lwork = (int)optimal;
    double *work = smi_alloc_array((size_t)lwork, sizeof *work, "SVD workspace");
    if (!work)
        return SMI_ENOMEM;
    dgesvd_("N", "N", &m, &n, a, &lda, s, &dummy, &one, &dummy, &one, work, &lwork, &info,
            1, 1);
    free(work);
    SMI_FAIL_IF(info > 0, SMI_ENOCONV, "SVD did not converge (%d superdiagonals left)", info);
    SMI_FAIL_IF(info < 0, SMI_EINVAL, "dgesvd rejected argument %d", -info);
    return SMI_OK;
}

int smi_linalg_svd_left(double *a, size_t rows, size_t cols, double *s, double *u)
{
    SMI_FAIL_IF(rows > INT_MAX || cols > INT_MAX, SMI_ETOOLARGE,
                "matrix of %zu x %zu is too large for LAPACK", rows, cols);
    int m = (int)rows, n = (int)cols, lda = m > 1 ? m : 1, one = 1, info = 0;
    int query = -1;
    double optimal = 0.0, dummy = 0.0;
    dgesvd_("S", "N", &m, &n, a, &lda, s, u, &lda, &dummy, &one, &optimal, &query, &info, 1,
            1);
    SMI_FAIL_IF(info != 0, SMI_EINVAL, "dgesvd workspace query failed (info %d)", info);
    int lwork = (int)optimal;
    double *work = smi_alloc_array((size_t)lwork, sizeof *work, "SVD workspace");
    if (!work)
        return SMI_ENOMEM;
    dgesvd_("S", "N", &m, &n, a, &lda, s, u, &lda, &dummy, &one, work, &lwork, &info, 1, 1);
    free(work);
    SMI_FAIL_IF(info > 0, SMI_ENOCONV, "SVD did not converge (%d superdiagonals left)", info);
    SMI_FAIL_IF(info < 0, SMI_EINVAL, "dgesvd rejected argument %d", -info);
    return SMI_OK;
}
