/* Fortran BLAS and LAPACK routines that libsparsemi calls, declared here once.
 * Matrices are column-major as Fortran sees them; a row-major n x p array is the
 * column-major p x n transpose, which is how callers pass data without copying.
 * Character arguments carry gfortran's hidden length arguments (size_t, appended in
 * order), which the Fortran ABI requires since GCC 9. */
#ifndef SMI_LINALG_H
#define SMI_LINALG_H

#include <stddef.h>

/* Singular values (and optionally vectors) of a general m x n matrix. */
void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a,
             const int *lda, double *s, double *u, const int *ldu, double *vt,
             const int *ldvt, double *work, const int *lwork, int *info, size_t jobu_len,
             size_t jobvt_len);

/* smi_linalg_singular_values: the min(rows, cols) singular values, descending, of the
 * column-major rows x cols matrix `a` (overwritten). Returns SMI_OK, SMI_ENOMEM,
 * SMI_ETOOLARGE (a dimension beyond LAPACK's int) or SMI_ENOCONV. */
int smi_linalg_singular_values(double *a, size_t rows, size_t cols, double *s);

#endif /* SMI_LINALG_H */
