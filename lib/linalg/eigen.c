/* Spectra of symmetric matrices and symmetric positive definite solves, for the many small
 * problems of a model search (one per model).
 * Orders up to SMI_LINALG_SMALL are handled here in plain C; larger ones go to LAPACK. This
 * only saves time: a multithreaded BLAS (OpenBLAS) hands even a 10 x 10 dsyevd or dpotri
 * to its threads and spends several times the arithmetic waking them (9.6 us against
 * 1.1 us for dpotrf + dpotrs + dpotri of order 10), which dominates when one such problem
 * is solved per model. tests/unit/check_evidence.c checks models on both sides of the
 * threshold against dense references.
 *
 * smi_linalg_sym_spectrum: eigenvalues and the coordinates V'b of one vector in the
 * eigenbasis, without forming V: Householder tridiagonalisation T = Q'AQ with each
 * reflector also applied to b (tred2 of EISPACK, in the form of its public-domain JAMA
 * translation, without the accumulation of Q), then the implicit QL iteration on T with
 * its rotations applied to Q'b (tql2, rotating two entries of a vector instead of two
 * columns of V). About (4/3) n^3 flops for the reduction and O(n^2) for the iteration.
 * smi_linalg_spd_solve_inverse: Cholesky A = L L', x = A^-1 b, and A^-1 = L^-T L^-1;
 * about n^3 flops. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "linalg/linalg.h"

#define A_(r, c) a[(c) * n + (r)] /* column-major */

/* Householder reduction of the symmetric a (lower triangle used, destroyed) to the
 * tridiagonal (d, e[1..n-1]), e[0] = 0, with b replaced by Q'b. */
static void tridiagonalise(double *a, size_t n, double *d, double *e, double *b)
{
    for (size_t j = 0; j < n; j++)
        d[j] = A_(n - 1, j);
    for (size_t i = n - 1; i > 0; i--) {
        double scale = 0.0, h = 0.0;
        for (size_t k = 0; k < i; k++)
            scale += fabs(d[k]);
        if (scale == 0.0) { /* row i is already reduced */
            e[i] = d[i - 1];
            for (size_t j = 0; j < i; j++) {
                d[j] = A_(i - 1, j);
                A_(i, j) = 0.0;
            }
            continue;
        }
        double inv_scale = 1.0 / scale;
        for (size_t k = 0; k < i; k++) {
            d[k] *= inv_scale;
            h += d[k] * d[k];
        }
        double f = d[i - 1], g = sqrt(h);
        if (f > 0)
            g = -g;
        e[i] = scale * g;
        h -= f * g;
        d[i - 1] = f - g;
        /* the reflector P = I - u u' / h, u = d[0..i-1], applied to b */
        double ub = 0.0;
        for (size_t k = 0; k < i; k++)
            ub += d[k] * b[k];
        ub /= h;
        for (size_t k = 0; k < i; k++)
            b[k] -= ub * d[k];
        /* and to the leading i x i block of a: a <- P a P */
        for (size_t j = 0; j < i; j++)
            e[j] = 0.0;
        for (size_t j = 0; j < i; j++) {
            f = d[j];
            g = e[j] + A_(j, j) * f;
            for (size_t k = j + 1; k < i; k++) {
                g += A_(k, j) * d[k];
                e[k] += A_(k, j) * f;
            }
            e[j] = g;
        }
        f = 0.0;
        double inv_h = 1.0 / h;
        for (size_t j = 0; j < i; j++) {
            e[j] *= inv_h;
            f += e[j] * d[j];
        }
        double hh = f / (h + h);
        for (size_t j = 0; j < i; j++)
            e[j] -= hh * d[j];
        for (size_t j = 0; j < i; j++) {
            f = d[j];
            g = e[j];
            for (size_t k = j; k < i; k++)
                A_(k, j) -= f * e[k] + g * d[k];
            d[j] = A_(i - 1, j);
            A_(i, j) = 0.0;
        }
    }
    for (size_t i = 0; i < n; i++)
        d[i] = A_(i, i);
    e[0] = 0.0;
}

/* sqrt(a^2 + b^2): libm's hypot guards against overflow at several times the cost, and
 * the entries here (Gram matrices of standardised data) are far from that range. */
static double norm2(double a, double b)
{
    return sqrt(a * a + b * b);
}

/* Implicit QL on the tridiagonal (d, e) from tridiagonalise, rotating the coordinates in
 * b; eigenvalues sorted ascending with their coordinates. SMI_OK or SMI_ENOCONV. */
static int ql_implicit(size_t n, double *d, double *e, double *b)
{
    for (size_t i = 1; i < n; i++)
        e[i - 1] = e[i];
    e[n - 1] = 0.0;
    double f = 0.0, tst1 = 0.0, eps = 0x1.0p-52;
    for (size_t l = 0; l < n; l++) {
        tst1 = fmax(tst1, fabs(d[l]) + fabs(e[l]));
        size_t m = l;
        while (m + 1 < n && fabs(e[m]) > eps * tst1) /* e[n-1] = 0 ends the search */
            m++;
        for (int iter = 0; m > l; iter++) {
            if (iter == 60)
                return smi_error_set(SMI_ENOCONV, "symmetric eigenvalue iteration did not "
                                     "converge for eigenvalue %zu of %zu", l + 1, n);
            double g = d[l], p = (d[l + 1] - g) / (2.0 * e[l]), r = norm2(p, 1.0);
            if (p < 0)
                r = -r;
            d[l] = e[l] / (p + r);
            d[l + 1] = e[l] * (p + r);
            double dl1 = d[l + 1], h = g - d[l];
            for (size_t i = l + 2; i < n; i++)
                d[i] -= h;
            f += h;
            p = d[m];
            double c = 1.0, c2 = 1.0, c3 = 1.0, el1 = e[l + 1], s = 0.0, s2 = 0.0;
            for (size_t i = m; i-- > l;) {
                c3 = c2;
                c2 = c;
                s2 = s;
                g = c * e[i];
                h = c * p;
                r = norm2(p, e[i]);
                e[i + 1] = s * r;
                double inv_r = 1.0 / r;
                s = e[i] * inv_r;
                c = p * inv_r;
                p = c * d[i] - s * g;
                d[i + 1] = h + s * (c * g + s * d[i]);
                h = b[i + 1];
                b[i + 1] = s * b[i] + c * h;
                b[i] = c * b[i] - s * h;
            }
            p = -s * s2 * c3 * el1 * e[l] / dl1;
            e[l] = s * p;
            d[l] = c * p;
            if (!(fabs(e[l]) > eps * tst1))
                break;
        }
        d[l] += f;
        e[l] = 0.0;
    }
    for (size_t i = 0; i + 1 < n; i++) { /* selection sort, ascending */
        size_t k = i;
        for (size_t j = i + 1; j < n; j++)
            k = d[j] < d[k] ? j : k;
        double t = d[k];
        d[k] = d[i];
        d[i] = t;
        t = b[k];
        b[k] = b[i];
        b[i] = t;
    }
    return SMI_OK;
}

int smi_linalg_sym_spectrum(double *a, size_t n, double *w, double *b, double *work)
{
    if (n == 0)
        return SMI_OK;
    if (n <= SMI_LINALG_SMALL) {
        tridiagonalise(a, n, w, work, b);
        return ql_implicit(n, w, work, b);
    }
    SMI_FAIL_IF(n > 16384, SMI_ETOOLARGE, "eigenproblem of order %zu is too large", n);
    int nn = (int)n, lwork = (int)(1 + 6 * n + 2 * n * n), liwork = (int)(3 + 5 * n), info = 0;
    /* iwork shares work: (3 + 5n) ints fit in as many doubles and are never read as such */
    int *iwork = (int *)(void *)(work + lwork);
    dsyevd_("V", "U", &nn, a, &nn, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    SMI_FAIL_IF(info < 0, SMI_EINVAL, "dsyevd rejected argument %d", -info);
    SMI_FAIL_IF(info > 0, SMI_ENOCONV, "symmetric eigenvalue problem of order %zu did not "
                "converge (dsyevd info %d)", n, info);
    for (size_t i = 0; i < n; i++) { /* V'b, column i of a being the i-th eigenvector */
        double s = 0.0;
        for (size_t k = 0; k < n; k++)
            s += a[i * n + k] * b[k];
        work[i] = s;
    }
    memcpy(b, work, n * sizeof *b);
    return SMI_OK;
}

/* In place: the lower triangle of a becomes L with A = L L'. SMI_ESINGULAR when a pivot
 * is not positive. */
static int cholesky(double *a, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = A_(j, j);
        for (size_t p = 0; p < j; p++)
            d -= A_(j, p) * A_(j, p);
        if (!(d > 0.0))
            return smi_error_set(SMI_ESINGULAR, "matrix of order %zu is not positive definite "
                                 "(pivot %zu is %g)", n, j + 1, d);
        double ljj = sqrt(d), inv = 1.0 / ljj;
        A_(j, j) = ljj;
        for (size_t i = j + 1; i < n; i++) {
            double s = A_(i, j);
            for (size_t p = 0; p < j; p++)
                s -= A_(i, p) * A_(j, p);
            A_(i, j) = s * inv;
        }
    }
    return SMI_OK;
}

int smi_linalg_spd_solve_inverse(double *a, size_t n, double *b, double *work)
{
    if (n == 0)
        return SMI_OK;
    if (n > SMI_LINALG_SMALL) {
        SMI_FAIL_IF(n > INT_MAX, SMI_ETOOLARGE, "matrix of order %zu is too large", n);
        int nn = (int)n, one = 1, info = 0;
        dpotrf_("L", &nn, a, &nn, &info, 1);
        SMI_FAIL_IF(info > 0, SMI_ESINGULAR, "matrix of order %zu is not positive definite "
                    "(pivot %d)", n, info);
        dpotrs_("L", &nn, &one, a, &nn, b, &nn, &info, 1);
        dpotri_("L", &nn, a, &nn, &info, 1);
        SMI_FAIL_IF(info != 0, SMI_ESINGULAR, "inverse of a matrix of order %zu failed "
                    "(dpotri info %d)", n, info);
    } else {
        SMI_TRY(cholesky(a, n));
        for (size_t i = 0; i < n; i++) { /* L z = b, then L' x = z */
            double s = b[i];
            for (size_t p = 0; p < i; p++)
                s -= A_(i, p) * b[p];
            b[i] = s / A_(i, i);
        }
        for (size_t i = n; i-- > 0;) {
            double s = b[i];
            for (size_t p = i + 1; p < n; p++)
                s -= A_(p, i) * b[p];
            b[i] = s / A_(i, i);
        }
        /* L^-1 into work (lower, column-major), then A^-1 = L^-T L^-1 into a's lower part */
        double *li = work;
        for (size_t j = 0; j < n; j++) {
            li[j * n + j] = 1.0 / A_(j, j);
            for (size_t i = j + 1; i < n; i++) {
                double s = 0.0;
                for (size_t p = j; p < i; p++)
                    s += A_(i, p) * li[j * n + p];
                li[j * n + i] = -s / A_(i, i);
            }
        }
        for (size_t c = 0; c < n; c++)
            for (size_t r = c; r < n; r++) {
                double s = 0.0;
                for (size_t p = r; p < n; p++)
                    s += li[r * n + p] * li[c * n + p];
                A_(r, c) = s;
            }
    }
    for (size_t c = 0; c < n; c++) /* mirror the lower triangle */
        for (size_t r = c + 1; r < n; r++)
            A_(c, r) = A_(r, c);
    return SMI_OK;
}
