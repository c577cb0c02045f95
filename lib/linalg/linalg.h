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

/* Least squares by QR (dgels), QR factorisation (dgeqrf), triangular solve (dtrtrs),
 * symmetric rank-k update C = alpha A'A + beta C (dsyrk). */
void dgels_(const char *trans, const int *m, const int *n, const int *nrhs, double *a,
            const int *lda, double *b, const int *ldb, double *work, const int *lwork, int *info,
            size_t trans_len);
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
             const int *lwork, int *info);
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n,
             const int *nrhs, const double *a, const int *lda, double *b, const int *ldb,
             int *info, size_t uplo_len, size_t trans_len, size_t diag_len);
void dormqr_(const char *side, const char *trans, const int *m, const int *n, const int *k,
             const double *a, const int *lda, const double *tau, double *c, const int *ldc,
             double *work, const int *lwork, int *info, size_t side_len, size_t trans_len);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda,
             const double *tau, double *work, const int *lwork, int *info);
void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
            const double *a, const int *lda, const double *beta, double *c, const int *ldc,
            size_t uplo_len, size_t trans_len);

/* Matrix-vector product y = alpha op(A) x + beta y (dgemv). */
void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a,
            const int *lda, const double *x, const int *incx, const double *beta, double *y,
            const int *incy, size_t trans_len);
/* Eigenvalues (ascending) and, with jobz "V", eigenvectors of a symmetric n x n matrix by
 * divide and conquer; lwork >= 1 + 6n + 2n^2 and liwork >= 3 + 5n with eigenvectors. */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork,
             int *info, size_t jobz_len, size_t uplo_len);

/* Cholesky factorisation (dpotrf), solve (dpotrs) and inverse from the factor (dpotri). */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);

/* Orders up to SMI_LINALG_SMALL are solved in plain C by the two functions below (eigen.c),
 * larger ones by LAPACK: a multithreaded BLAS costs more in waking its threads than the
 * arithmetic of a small problem. SMI_LINALG_SPECTRUM_WORK(n): doubles of their work. */
#define SMI_LINALG_SMALL 32
#define SMI_LINALG_SPECTRUM_WORK(n) (1 + 6 * (n) + 2 * (n) * (n) + 3 + 5 * (n))

/* smi_linalg_sym_spectrum: the eigenvalues w (n, ascending) of the symmetric n x n matrix a
 * (every entry filled; destroyed) and b replaced by V'b, its coordinates in the eigenbasis
 * (V the orthonormal eigenvectors, never formed for small n). work: SPECTRUM_WORK(n).
 * Returns SMI_OK, SMI_ENOCONV or SMI_ETOOLARGE. */
int smi_linalg_sym_spectrum(double *a, size_t n, double *w, double *b, double *work);

/* smi_linalg_spd_solve_inverse: for the symmetric positive definite n x n matrix a (every
 * entry filled), b <- a^-1 b and a <- a^-1 (every entry), by Cholesky. work: n * n doubles.
 * Returns SMI_OK, SMI_ESINGULAR (not positive definite to working precision, naming the
 * pivot) or SMI_ETOOLARGE. */
int smi_linalg_spd_solve_inverse(double *a, size_t n, double *b, double *work);

/* smi_linalg_singular_values: the min(rows, cols) singular values, descending, of the
 * column-major rows x cols matrix `a` (overwritten). Returns SMI_OK, SMI_ENOMEM,
 * SMI_ETOOLARGE (a dimension beyond LAPACK's int) or SMI_ENOCONV. */
int smi_linalg_singular_values(double *a, size_t rows, size_t cols, double *s);

/* smi_linalg_svd_left: as smi_linalg_singular_values, and the left singular vectors into u
 * (rows x min(rows, cols), column-major, leading dimension rows). */
int smi_linalg_svd_left(double *a, size_t rows, size_t cols, double *s, double *u);

/* smi_linalg_gram: C = A'A for the column-major rows x cols matrix A, all of C (cols x cols,
 * column-major) filled. Returns SMI_OK or SMI_ETOOLARGE. */
int smi_linalg_gram(const double *a, size_t rows, size_t cols, double *c);

/* smi_linalg_qr_upper: the QR factorisation of the column-major rows x cols matrix a
 * (rows >= cols), overwritten so that its upper triangle holds R. tau needs cols entries.
 * Returns SMI_OK, SMI_ENOMEM or SMI_ETOOLARGE. */
int smi_linalg_qr_upper(double *a, size_t rows, size_t cols, double *tau);

/* smi_linalg_lstsq: the least-squares solution x (cols values) of min |b - A x| for the
 * column-major rows x cols matrix A (rows >= cols >= 1), with *rss = |b - A x|^2.
 * QR by LAPACK, then iterative refinement of the augmented system [I A; A' 0] with its
 * residuals accumulated in extended precision (Bjorck 1967), which recovers full
 * accuracy when cond(A) eps < 1 even with a large residual (NIST's Wampler5).
 * A column whose |R_jj| is at most rel_tol times scale[j] makes A rank deficient:
 * SMI_ESINGULAR naming its index. Returns SMI_OK, SMI_ESINGULAR, SMI_ENOMEM, SMI_ETOOLARGE. */
int smi_linalg_lstsq(const double *A, size_t rows, size_t cols, const double *b,
                     const double *scale, double rel_tol, double *x, double *rss);

/* smi_linalg_leverages: the diagonal of the hat matrix A (A'A)^-1 A', h_i = |row i of Q|^2
 * from the thin QR factor of the column-major rows x cols matrix A (full column rank).
 * Returns SMI_OK, SMI_ENOMEM or SMI_ETOOLARGE. */
int smi_linalg_leverages(const double *A, size_t rows, size_t cols, double *h);

#endif /* SMI_LINALG_H */
