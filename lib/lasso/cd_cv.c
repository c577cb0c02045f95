/* K-fold cross-validation over a coordinate-descent path, as cv.glmnet computes it with a
 * given foldid: each training set standardised on its own rows and fitted at the full
 * data's lambdas; the mean squared error on each held-out fold; the curve, its standard
 * error and the two choices. Folds run in parallel threads, each into its own row of the
 * error table, so the result does not depend on the thread count. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"
#include "lasso/lasso.h"

typedef struct cv_job {
    const smi_dataset *ds;
    const struct smi_lasso *cfg;
    const double *pf, *lambdas;
    size_t L;
    double *fold_mse;       /* K x L */
    size_t next_fold;       /* shared counter, under lock */
    pthread_mutex_t lock;
    int rc;                 /* the first failure, under lock */
    char message[512];
} cv_job;

/* Mean squared error on the rows of fold k of the path fitted on the other rows. */
static int fold_error(const cv_job *job, size_t k, double *mse)
{
    const smi_dataset *ds = job->ds;
    size_t n = ds->n, p = ds->p, L = job->L, n_train = 0;
    size_t *train = smi_alloc_array(n, sizeof *train, "training rows");
    double *coef = smi_alloc_array(L * p, sizeof *coef, "fold coefficients");
    double *b0 = smi_alloc_array(L, sizeof *b0, "fold intercepts");
    int rc = train && coef && b0 ? SMI_OK : SMI_ENOMEM;
    smi_cd_data d = { 0 };
    if (rc == SMI_OK) {
        for (size_t i = 0; i < n; i++)
            if ((size_t)ds->folds[i] != k)
                train[n_train++] = i;
        rc = smi_cd_data_build(ds, train, n_train, 0, &d);
    }
    if (rc == SMI_OK)
        rc = smi_cd_fit_rows(&d, job->cfg, job->pf, job->lambdas, L, coef, b0);
    if (rc == SMI_OK) {
        size_t n_test = 0;
        memset(mse, 0, L * sizeof *mse);
        for (size_t i = 0; i < n; i++) {
            if ((size_t)ds->folds[i] != k)
                continue;
            n_test++;
            for (size_t l = 0; l < L; l++) {
                double e = ds->y[i] - b0[l];
                for (size_t j = 0; j < p; j++)
                    e -= ds->X[i * p + j] * coef[l * p + j];
                mse[l] += e * e;
            }
        }
        for (size_t l = 0; l < L; l++)
            mse[l] /= (double)n_test;
    }
    smi_cd_data_free(&d);
    free(train);
    free(coef);
    free(b0);
    return rc;
}

static void *fold_worker(void *arg)
{
    cv_job *job = arg;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t k = job->rc == SMI_OK ? job->next_fold++ : job->ds->n_folds;
        pthread_mutex_unlock(&job->lock);
        if (k >= job->ds->n_folds)
            return NULL;
        int rc = fold_error(job, k, job->fold_mse + k * job->L);
        if (rc != SMI_OK) {
            pthread_mutex_lock(&job->lock);
            if (job->rc == SMI_OK) {
                job->rc = rc;
                snprintf(job->message, sizeof job->message, "fold %zu: %s", k + 1,
                         smi_last_error());
            }
            pthread_mutex_unlock(&job->lock);
        }
    }
}

static size_t thread_count(size_t asked, size_t folds)
{
    asked = smi_thread_count(asked);
    return asked < folds ? asked : folds;
}

static int run_folds(cv_job *job, size_t threads)
{
    pthread_t *tid = smi_alloc_array(threads, sizeof *tid, "CV threads");
    if (!tid)
        return SMI_ENOMEM;
    size_t started = 0;
    for (; started + 1 < threads; started++)
        if (pthread_create(&tid[started], NULL, fold_worker, job) != 0)
            break;
    fold_worker(job);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    free(tid);
    if (job->rc != SMI_OK)
        return smi_error_set(job->rc, "LASSO cross-validation: %s", job->message);
    return SMI_OK;
}

/* cv.glmnet's summary: fold means weighted by fold sizes, their spread over K - 1, then the
 * largest lambda at the minimum and the largest within one standard error of it. */
static void summarise(const smi_dataset *ds, const double *fold_mse, size_t *size,
                      smi_lasso_result *fit)
{
    size_t K = ds->n_folds, L = fit->n_lambda, n = ds->n;
    memset(size, 0, K * sizeof *size);
    for (size_t i = 0; i < n; i++)
        size[ds->folds[i]]++;
    for (size_t l = 0; l < L; l++) {
        double m = 0.0, v = 0.0;
        for (size_t k = 0; k < K; k++)
            m += (double)size[k] * fold_mse[k * L + l];
        m /= (double)n;
        for (size_t k = 0; k < K; k++) {
            double e = fold_mse[k * L + l] - m;
            v += (double)size[k] * e * e;
        }
        fit->cv_mean[l] = m;
        fit->cv_se[l] = sqrt(v / (double)n / (double)(K - 1));
    }
    size_t best = 0;
    for (size_t l = 1; l < L; l++)
        if (fit->cv_mean[l] < fit->cv_mean[best])
            best = l;
    double limit = fit->cv_mean[best] + fit->cv_se[best];
    size_t one_se = best;
    for (size_t l = 0; l < best; l++)
        if (fit->cv_mean[l] <= limit) {
            one_se = l;
            break;
        }
    fit->index_min = best;
    fit->index_1se = one_se;
    fit->has_cv = 1;
}

int smi_lasso_cv_run(const smi_dataset *ds, const struct smi_lasso *cfg,
                     const double *pf, struct smi_lasso_result *fit)
{
    size_t K = ds->n_folds, L = fit->n_lambda;
    cv_job job = { .ds = ds, .cfg = cfg, .pf = pf, .lambdas = fit->lambda, .L = L,
                   .rc = SMI_OK };
    job.fold_mse = smi_alloc_array(K * L, sizeof *job.fold_mse, "CV errors");
    fit->cv_mean = smi_alloc_array(L, sizeof *fit->cv_mean, "CV mean");
    fit->cv_se = smi_alloc_array(L, sizeof *fit->cv_se, "CV standard errors");
    size_t *size = smi_alloc_array(K, sizeof *size, "fold sizes");
    int rc = job.fold_mse && fit->cv_mean && fit->cv_se && size ? SMI_OK : SMI_ENOMEM;
    if (rc == SMI_OK && pthread_mutex_init(&job.lock, NULL) != 0)
        rc = smi_error_set(SMI_ENOMEM, "LASSO cross-validation: cannot create a lock");
    else if (rc == SMI_OK) {
        rc = run_folds(&job, thread_count(cfg->threads, K));
        pthread_mutex_destroy(&job.lock);
    }
    if (rc == SMI_OK)
        summarise(ds, job.fold_mse, size, fit);
    free(job.fold_mse);
    free(size);
    return rc;
}
