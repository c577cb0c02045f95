/* Least squares by Householder QR with iterative refinement of the augmented system.
 * Invariant of each step: (r, x) approximates the solution of
 *     r + A x = b,   A' r = 0,
 * and the correction (dr, dx) solves the same system for the residuals (f, g) computed in
 * extended precision; with A = Q [R; 0] it is
 *     h = R^-T g,  d = Q' f,  dx = R^-1 (d_1 - h),  dr = Q [h; d_2].
 * Cost per step: two products with A and A' and two with Q, O(rows cols). */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "linalg/linalg.h"

#define MAX_REFINEMENTS 8

typedef struct qr {
    double *a, *tau, *work;
    int m, n, lwork;
} qr;

/* c := Q' c (trans "T") or Q c (trans "N"), c of length m. */
static void apply_q(const qr *f, const char *trans, double *c)
{
    int one = 1, info = 0;
    dormqr_("L", trans, &f->m, &one, &f->n, f->a, &f->m, f->tau, c, &f->m, f->work, &f->lwork,
            &info, 1, 1);
}

/* v := R^-1 v (trans "N") or R^-T v (trans "T"). */
static void solve_r(const qr *f, const char *trans, double *v)
{
    int one = 1, info = 0;
    dtrtrs_("U", trans, "N", &f->n, &one, f->a, &f->m, v, &f->n, &info, 1, 1, 1);
}

/* f = b - r - A x and g = -A' r, accumulated in long double. */
static void residuals(const double *A, int m, int n, const double *b, const double *r,
                      const double *x, double *f, double *g)
{
    for (int i = 0; i < m; i++) {
        long double s = (long double)b[i] - r[i];
        for (int j = 0; j < n; j++)
            s -= (long double)A[(size_t)j * m + i] * x[j];
        f[i] = (double)s;
    }
    for (int j = 0; j < n; j++) {
        long double s = 0.0L;
        for (int i = 0; i < m; i++)
            s -= (long double)A[(size_t)j * m + i] * r[i];
        g[j] = (double)s;
    }
}

/* One correction step; returns max |dx_j| / max |x_j|. */
static double refine(const qr *f, const double *A, const double *b, double *r, double *x,
                     double *fv, double *gv)
{
    int m = f->m, n = f->n;
    residuals(A, m, n, b, r, x, fv, gv);
    solve_r(f, "T", gv); /* h */
    apply_q(f, "T", fv); /* d = Q' f */
    double *dx = fv;     /* d_1 - h, then R^-1 of it, in place in fv[0..n-1] */
    for (int j = 0; j < n; j++)
        dx[j] -= gv[j];
    solve_r(f, "N", dx);
    double big = 0.0, change = 0.0;
    for (int j = 0; j < n; j++) {
        x[j] += dx[j];
        big = fmax(big, fabs(x[j]));
        change = fmax(change, fabs(dx[j]));
        fv[j] = gv[j]; /* dr = Q [h; d_2], h still in gv */
    }
    apply_q(f, "N", fv);
    for (int i = 0; i < m; i++)
        r[i] += fv[i];
    return big > 0.0 ? change / big : change;
}

static int factor(qr *f, const double *A, size_t rows, size_t cols)
{
    f->m = (int)rows;
    f->n = (int)cols;
    f->a = smi_alloc_array(rows, cols * sizeof *f->a, "QR factor");
    f->tau = smi_alloc_array(cols, sizeof *f->tau, "QR factor");
    if (!f->a || !f->tau)
        return SMI_ENOMEM;
    memcpy(f->a, A, rows * cols * sizeof *f->a);
    SMI_TRY(smi_linalg_qr_upper(f->a, rows, cols, f->tau));
    int one = 1, info = 0, query = -1;
    double optimal = 0.0;
    dormqr_("L", "T", &f->m, &one, &f->n, f->a, &f->m, f->tau, f->a, &f->m, &optimal, &query,
            &info, 1, 1);
    f->lwork = optimal > (double)cols ? (int)optimal : (int)cols;
    f->work = smi_alloc_array((size_t)f->lwork, sizeof *f->work, "QR workspace");
    return f->work ? SMI_OK : SMI_ENOMEM;
}

int smi_linalg_lstsq(const double *A, size_t rows, size_t cols, const double *b,
                     const double *scale, double rel_tol, double *x, double *rss)
{
    SMI_FAIL_IF(rows > INT_MAX / 2 || cols > rows || cols == 0, SMI_ETOOLARGE,
                "least squares of %zu x %zu is out of range", rows, cols);
    qr f = { 0 };
    double *r = smi_calloc_array(rows, sizeof *r, "residuals");
    double *fv = smi_alloc_array(rows, sizeof *fv, "residuals");
    double *gv = smi_alloc_array(cols, sizeof *gv, "residuals");
    int rc = r && fv && gv ? factor(&f, A, rows, cols) : SMI_ENOMEM;
    for (size_t j = 0; rc == SMI_OK && j < cols; j++)
        if (!(fabs(f.a[j * rows + j]) > rel_tol * scale[j]))
            rc = smi_error_set(SMI_ESINGULAR, "column %zu is linearly dependent on the others", j);
    if (rc == SMI_OK) {
        /* Start from r = 0, x = 0: the first step is the plain QR solution. */
        memset(x, 0, cols * sizeof *x);
        for (int step = 0; step < MAX_REFINEMENTS; step++)
            if (refine(&f, A, b, r, x, fv, gv) <= DBL_EPSILON)
                break;
        long double s = 0.0L;
        for (size_t i = 0; i < rows; i++) {
            long double e = (long double)b[i];
            for (size_t j = 0; j < cols; j++)
                e -= (long double)A[j * rows + i] * x[j];
            s += e * e;
        }
        *rss = (double)s;
    }
    free(r), free(fv), free(gv), free(f.a), free(f.tau), free(f.work);
    return rc;
}
