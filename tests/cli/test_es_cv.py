#!/usr/bin/env python3
"""Tests of `sparsemi es --criterion cv|loo` and its fold options, run as a user runs it.

Usage: test_es_cv.py SPARSEMI SOURCE_ROOT [unittest options]

References are independent of the library: every subset's K-fold CV and leave-one-out
error by explicit numpy least-squares refits (DESIGN.md 4.2: the mean over the n samples
of the squared held-out errors), with the folds built here: i mod K, the documented
seeded permutation (doc/api.md: xoshiro256** seeded by splitmix64, Fisher-Yates with
Lemire's bounded draws), or a fold column written by the test."""
import itertools
import json
import os
import sys
import unittest

import test_cli as base
from test_cli import CliTestCase, OCTET, OCTET_TARGET, run
from test_es import PRIMARIES, N, es, es_json, load_octet

try:
    import numpy as np
except ImportError:  # the numerical checks skip themselves
    np = None

FEATURES = ("--features", ",".join(PRIMARIES))
MASK = (1 << 64) - 1


def seeded_permutation(n, seed):
    """The library's documented fold permutation for `seed` (doc/api.md)."""
    state = seed

    def splitmix():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    s = [splitmix() for _ in range(4)]

    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next64():
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(bound):
        m = next64() * bound
        if (m & MASK) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (m & MASK) < threshold:
                m = next64() * bound
        return m >> 64

    perm = list(range(n))
    for i in range(n, 1, -1):
        j = below(i)
        perm[i - 1], perm[j] = perm[j], perm[i - 1]
    return perm


def design(X, cols):
    return np.column_stack([np.ones(X.shape[0]), X[:, list(cols)]])


def cv_mse(X, y, cols, folds):
    """(1/n) sum of squared held-out errors, one refit per fold."""
    A, err = design(X, cols), 0.0
    for f in sorted(set(folds)):
        test = folds == f
        coef = np.linalg.lstsq(A[~test], y[~test], rcond=None)[0]
        err += float(np.sum((y[test] - A[test] @ coef) ** 2))
    return err / len(y)


def loo_mse(X, y, cols):
    """n explicit refits, each without one sample."""
    return cv_mse(X, y, cols, np.arange(len(y)))


def ranked(score, sizes):
    """(criterion, subset) for every subset of the 10 primaries, best first, ties by the
    subsets' lexicographic order as the library breaks them."""
    return sorted((score(s), s) for k in sizes for s in itertools.combinations(range(10), k))


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestCvOctet(CliTestCase):
    """The acceptance case: 5 unshuffled folds over every subset of the 10 primaries."""

    @classmethod
    def setUpClass(cls):
        cls.proc = es(*FEATURES, "--criterion", "cv", "--folds", "5", "--fold-seed", "none",
                      "--json", "-")
        cls.r = json.loads(cls.proc.stdout) if cls.proc.returncode == 0 else None
        cls.X, cls.y = load_octet()
        folds = np.arange(N) % 5
        cls.all = ranked(lambda s: cv_mse(cls.X, cls.y, s, folds), range(1, 11))

    def setUp(self):
        super().setUp()
        self.assertExit(self.proc, 0)

    def test_request(self):
        self.assertEqual(self.r["criterion"], "cv")
        self.assertEqual(self.r["folds"], {"k": 5, "seed": None, "column": None})
        self.assertEqual(self.r["n_models"], 1023)
        self.assertIsNone(self.r["shard"])

    def test_top_models_and_ranking(self):
        models = self.r["models"]
        self.assertEqual(len(models), 100)
        for m, (cv, subset) in zip(models, self.all):
            self.assertEqual(m["features"], [PRIMARIES[j] for j in subset], m["rank"])
            self.assertTrue(base.close(m["criterion"], cv, 1e-9), (m["rank"], m["criterion"], cv))

    def test_best_by_size(self):
        for b in self.r["best_by_size"]:
            cv, subset = min((c, s) for c, s in self.all if len(s) == b["size"])
            self.assertEqual(b["features"], [PRIMARIES[j] for j in subset])
            self.assertTrue(base.close(b["criterion"], cv, 1e-9))

    def test_coefficients_from_all_samples(self):
        top = self.r["models"][0]
        cols = [PRIMARIES.index(f) for f in top["features"]]
        coef = np.linalg.lstsq(design(self.X, cols), self.y, rcond=None)[0]
        self.assertTrue(base.close(top["intercept"], coef[0], 1e-9))
        for name, c in zip(top["features"], coef[1:]):
            self.assertTrue(base.close(top["coefficients"][name], c, 1e-9))

    def test_table(self):
        proc = es(*FEATURES, "--criterion", "cv", "--folds", "5", "--fold-seed", "none",
                  "--max-size", "1")
        self.assertExit(proc, 0)
        self.assertRegex(proc.stdout, r"(?m)^criterion\s+cv$")
        self.assertRegex(proc.stdout, r"(?m)^folds\s+5, not shuffled \(sample i in fold i mod K\)$")


@unittest.skipIf(np is None, "numpy is not installed for %s" % sys.executable)
class TestCvFolds(CliTestCase):
    def setUp(self):
        super().setUp()
        self.X, self.y = load_octet()

    def check_models(self, r, folds):
        self.assertGreater(len(r["models"]), 0)
        for m in r["models"]:
            cols = [PRIMARIES.index(f) for f in m["features"]]
            self.assertTrue(base.close(m["criterion"], cv_mse(self.X, self.y, cols, folds), 1e-9),
                            m)

    def test_default_is_ten_folds_seed_zero(self):
        r = es_json(*FEATURES, "--criterion", "cv", "--max-size", "2", "--top", "10")
        self.assertEqual(r["folds"], {"k": 10, "seed": 0, "column": None})
        self.check_models(r, np.array(seeded_permutation(N, 0)) % 10)
        self.assertEqual(es_json(*FEATURES, "--criterion", "cv", "--max-size", "2", "--top", "10",
                                 "--fold-seed", "0")["models"], r["models"])

    def test_other_seed(self):
        seed = 2 ** 64 - 5
        r = es_json(*FEATURES, "--criterion", "cv", "--folds", "4", "--fold-seed", str(seed),
                    "--max-size", "2", "--top", "10")
        self.assertEqual(r["folds"], {"k": 4, "seed": seed, "column": None})
        self.check_models(r, np.array(seeded_permutation(N, seed)) % 4)

    def test_fold_column(self):
        header, columns = base.read_columns(os.path.join(base.ROOT, OCTET))
        ids = [(7 * i) % 3 * 10 - 5 for i in range(N)]  # -5, 5, 15: three folds
        names = PRIMARIES + [OCTET_TARGET]
        lines = [",".join(names + ["fold"])]
        lines += [",".join([columns[c][i] for c in names] + [str(ids[i])]) for i in range(N)]
        path = self.write("folds.csv", "\n".join(lines) + "\n")
        proc = run("es", path, "--target", OCTET_TARGET, "--criterion", "cv", "--fold-column",
                   "fold", "--max-size", "3", "--top", "20", "--json", "-")
        self.assertExit(proc, 0)
        r = json.loads(proc.stdout)
        self.assertEqual(r["folds"], {"k": 3, "seed": None, "column": "fold"})
        self.assertEqual(r["features"], PRIMARIES)  # the fold column is no feature
        ids = np.array(ids)
        self.check_models(r, ids)
        best = ranked(lambda s: cv_mse(self.X, self.y, s, ids), (1, 2, 3))[:20]
        self.assertEqual([m["features"] for m in r["models"]],
                         [[PRIMARIES[j] for j in s] for _, s in best])

    def test_loo(self):
        r = es_json(*FEATURES, "--criterion", "loo", "--max-size", "3", "--top", "30")
        self.assertEqual((r["criterion"], r["folds"]), ("loo", None))
        best = ranked(lambda s: loo_mse(self.X, self.y, s), (1, 2, 3))
        self.assertEqual(r["n_models"], len(best))
        for m, (loo, subset) in zip(r["models"], best):
            self.assertEqual(m["features"], [PRIMARIES[j] for j in subset], m["rank"])
            self.assertTrue(base.close(m["criterion"], loo, 1e-9), (m, loo))
        for b in r["best_by_size"]:
            loo, subset = min((c, s) for c, s in best if len(s) == b["size"])
            self.assertEqual(b["features"], [PRIMARIES[j] for j in subset])
            self.assertTrue(base.close(b["criterion"], loo, 1e-9))


class TestCvErrors(CliTestCase):
    """Bad calls exit 2 and bad input 1, with a message, leaving no file behind."""

    def failing(self, code, *args, contains=()):
        out = os.path.join(self.dir, "out.json")
        proc = es(*args, "--json", out, "--max-size", "1")
        self.assertExit(proc, code)
        self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(os.listdir(self.dir), [], "output left by a failed run")

    def test_fold_usage(self):
        cv = ("--criterion", "cv")
        self.failing(2, *cv, "--folds", "1", contains=["--folds", "2"])
        self.failing(2, *cv, "--folds", "0", contains=["--folds"])
        self.failing(2, *cv, "--fold-column", "r_s_A", "--fold-seed", "1",
                     contains=["--fold-column", "--fold-seed"])
        self.failing(2, *cv, "--fold-column", "r_s_A", "--folds", "3",
                     contains=["--fold-column", "--folds"])
        self.failing(2, *cv, "--fold-seed", "abc", contains=["--fold-seed", "'abc'"])
        self.failing(2, *cv, "--fold-seed", "-1", contains=["--fold-seed"])
        self.failing(2, *cv, "--fold-seed", str(2 ** 64), contains=["--fold-seed"])
        self.failing(2, "--folds", "5", contains=["cv"])
        self.failing(2, "--criterion", "loo", "--fold-seed", "none", contains=["cv"])

    def test_shard_and_checkpoint_usage(self):
        self.failing(2, "--shard", "3/3", contains=["--shard", "3"])
        self.failing(2, "--shard", "x", contains=["--shard", "'x'"])
        self.failing(2, "--shard", "1/0", contains=["--shard"])
        self.failing(2, "--shard", "/3", contains=["--shard"])
        self.failing(2, "--shard", "1/2/3", contains=["--shard"])
        self.failing(2, "--shard", "-1/3", contains=["--shard"])
        self.failing(2, "--checkpoint-interval", "1", contains=["--checkpoint"])
        ck = os.path.join(self.dir, "ck")
        self.failing(2, "--checkpoint", ck, "--checkpoint-interval", "0",
                     contains=["--checkpoint-interval"])
        self.failing(2, "--save", os.path.join(self.dir, "out.json"), contains=["--save"])
        self.failing(2, "--save", "-", contains=["--save", "'-'"])
        self.failing(2, "--checkpoint", "-", contains=["--checkpoint", "'-'"])

    def test_help(self):
        proc = run("es", "--help")
        self.assertExit(proc, 0)
        for option in ("--folds", "--fold-seed", "--fold-column", "--shard", "--checkpoint",
                       "--checkpoint-interval", "--save", "cv", "loo"):
            self.assertIn(option, proc.stdout)

    def test_fold_input(self):
        self.failing(1, "--criterion", "cv", "--folds", "83", contains=["83"])
        self.failing(1, "--criterion", "cv", "--fold-column", "nosuch", contains=["'nosuch'"])


if __name__ == "__main__":
    base.main(__doc__)
