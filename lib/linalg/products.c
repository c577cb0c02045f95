/* Gram matrices and QR factorisations through BLAS and LAPACK. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

int smi_linalg_leverages(const double *A, size_t rows, size_t cols, double *h)
{
    SMI_FAIL_IF(rows > INT_MAX || cols > rows, SMI_ETOOLARGE,
                "leverages of a %zu x %zu matrix", rows, cols);
    double *Q = smi_alloc_array(cols ? cols : 1, rows * sizeof *Q, "leverages");
    double *tau = smi_alloc_array(cols + 1, sizeof *tau, "leverages");
    int rc = Q && tau ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK && cols > 0) {
        memcpy(Q, A, rows * cols * sizeof *Q);
        rc = smi_linalg_qr_upper(Q, rows, cols, tau);
    }
    if (rc == SMI_OK && cols > 0) {
        int m = (int)rows, n = (int)cols, info = 0, query = -1;
        double optimal = 0.0;
        dorgqr_(&m, &n, &n, Q, &m, tau, &optimal, &query, &info);
        int lwork = optimal > (double)n ? (int)optimal : n;
        double *work = smi_alloc_array((size_t)lwork, sizeof *work, "leverages");
        if (!work)
            rc = SMI_ENOMEM;
        else
            dorgqr_(&m, &n, &n, Q, &m, tau, work, &lwork, &info);
        free(work);
    }
    for (size_t i = 0; rc == SMI_OK && i < rows; i++) {
        double s = 0.0;
        for (size_t j = 0; j < cols; j++)
            s += Q[j * rows + i] * Q[j * rows + i];
        h[i] = s;
    }
    free(Q);
    free(tau);
    return rc;
}
