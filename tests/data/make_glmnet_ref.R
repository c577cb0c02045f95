# Reference LASSO / elastic-net paths and cross-validation from R's glmnet, for
# tests/unit/check_lasso.c. Run from the source root:
#   Rscript tests/data/make_glmnet_ref.R
# It writes tests/data/lasso_pn.csv (a synthetic p > n set, made here) and
# tests/data/glmnet_ref.txt. Every fit uses thresh = 1e-30: glmnet's solutions then meet
# their optimality (KKT) conditions to about 1e-11 relative to lambda, far below the tests'
# tolerances (at the default 1e-7 the violation on the diabetes path reaches 1.7 lambda, at
# 1e-14 still 4e-4 lambda). glmnet's early stop along the path (fdev, devmax) is left on,
# so a path may hold fewer lambdas than asked for: the test compares the lambdas glmnet
# reports.
suppressMessages(library(glmnet))
options(digits = 17)
out <- file("tests/data/glmnet_ref.txt", "w")
cat(sprintf("# glmnet %s, %s\n", as.character(packageVersion("glmnet")), R.version.string),
    file = out)

emit <- function(name, fit, extra = "") {
  beta <- as.matrix(coef(fit))           # (p + 1) x L, intercept first
  L <- ncol(beta)
  cat(sprintf("case %s %d %d %s\n", name, L, nrow(beta) - 1, extra), file = out)
  cat("lambda", sprintf("%.17g", fit$lambda), "\n", file = out)
  for (l in seq_len(L)) cat("coef", sprintf("%.17g", beta[, l]), "\n", file = out)
}

d <- read.csv("tests/data/diabetes.csv")
X <- as.matrix(d[, 1:10]); y <- d$progression
thr <- 1e-30

emit("diabetes_lasso", glmnet(X, y, thresh = thr, maxit = 1e9))
emit("diabetes_positive", glmnet(X, y, lower.limits = 0, thresh = thr, maxit = 1e9))
pf <- c(0, 1, 1, 2, 1, 1, 1, 0.5, 1, 1)
emit("diabetes_penalty", glmnet(X, y, penalty.factor = pf, thresh = thr, maxit = 1e9),
     paste(sprintf("%.17g", pf), collapse = " "))
# Elastic net: glmnet scales y to unit sd (divisor n) inside; on such a y its solution is
# the one of the documented objective, which is what libsparsemi solves for any y.
ys <- (y - mean(y)) / sqrt(mean((y - mean(y))^2)) + 3
emit("diabetes_enet_a0.5", glmnet(X, ys, alpha = 0.5, thresh = thr, maxit = 1e9))

# p > n: 50 rows, 200 features, 5 of them in the target.
set.seed(20261125)
n <- 50; p <- 200
Xs <- matrix(rnorm(n * p), n, p)
Xs[, 2] <- Xs[, 1] + 0.3 * Xs[, 2]       # a correlated pair
ytrue <- 3 * Xs[, 1] - 2 * Xs[, 7] + 1.5 * Xs[, 20] + Xs[, 55] - 0.8 * Xs[, 130]
ysyn <- round(ytrue + rnorm(n), 6)
Xs <- round(Xs, 6)
colnames(Xs) <- paste0("x", 1:p)
write.csv(data.frame(Xs, y = ysyn), "tests/data/lasso_pn.csv", row.names = FALSE, quote = FALSE)
emit("pn_lasso", glmnet(Xs, ysyn, thresh = thr, maxit = 1e9))
emit("pn_positive", glmnet(Xs, ysyn, lower.limits = 0, thresh = thr, maxit = 1e9))

# Cross-validation. cv.glmnet fits each training set on its own lambda sequence and
# interpolates its coefficients to the full data's lambdas; libsparsemi solves every
# training set at exactly those lambdas instead. The reference is therefore built here
# from glmnet fits of each training set at the full data's lambdas, summarised by
# cv.glmnet's formulas (cvm: fold mean squared errors weighted by fold size; cvsd: their
# weighted spread over K - 1; lambda.min, lambda.1se as getOptcv.glmnet chooses them).
cv_exact <- function(name, X, y, K, thr) {
  foldid <- 1 + (seq_len(nrow(X)) - 1) %% K     # row i (1-based) in fold 1 + (i - 1) mod K
  lambda <- glmnet(X, y, thresh = thr, maxit = 1e9)$lambda
  L <- length(lambda)
  fold_mse <- matrix(0, K, L); size <- numeric(K)
  for (k in seq_len(K)) {
    test <- foldid == k
    fit <- glmnet(X[!test, ], y[!test], lambda = lambda, thresh = thr, maxit = 1e9)
    pred <- predict(fit, X[test, , drop = FALSE])
    fold_mse[k, ] <- colMeans((y[test] - pred)^2)
    size[k] <- sum(test)
  }
  cvm <- colSums(size * fold_mse) / sum(size)
  cvsd <- sqrt(colSums(size * sweep(fold_mse, 2, cvm)^2) / sum(size) / (K - 1))
  lambda.min <- max(lambda[cvm <= min(cvm)])
  semin <- (cvm + cvsd)[match(lambda.min, lambda)]
  lambda.1se <- max(lambda[cvm <= semin])
  cat(sprintf("cv %s %d %.17g %.17g\n", name, L, lambda.min, lambda.1se), file = out)
  cat("cvm", sprintf("%.17g", cvm), "\n", file = out)
  cat("cvsd", sprintf("%.17g", cvsd), "\n", file = out)
}
cv_exact("diabetes", X, y, 10, thr)
# On the p > n training sets (40 rows) glmnet does not reach thresh 1e-30 in reasonable time;
# 1e-24 leaves optimality errors near 1e-9 lambda, still far below the test's 1e-6.
cv_exact("pn", Xs, ysyn, 5, 1e-24)
close(out)
