#!/usr/bin/env python3
"""Tests of `sparsemi es --criterion fe-grid`, run as a user runs it: the options
--sigma-noise-grid, --sigma-coef-grid, --prior, --intercept-term and --min-size 0, the JSON
object sigma_grid, saved results and their merge.

Usage: test_es_fe_grid.py SPARSEMI SOURCE_ROOT [unittest options]

The reference is the exhbma package (okada-lab/exhbma), which integrates the evidence over
the same (sigma_noise, sigma_coef) grid: tests/data/fe_grid_exhbma.json holds its
per-model log likelihood of all 1024 subsets of the 10 octet primary features (the null
model included) and its feature posteriors, for its tutorial's grids and three priors, as
written by tests/data/make_fe_grid_exhbma.py (which runs exhbma; this test only reads the
file)."""
import json
import os
import unittest

import test_cli as base
from test_cli import CliTestCase, run, OCTET, OCTET_TARGET

TOL = 1e-9


def reference():
    with open(os.path.join(base.ROOT, "tests", "data", "fe_grid_exhbma.json"),
              encoding="utf-8") as f:
        return json.load(f)


def grid_text(grid):
    lo, hi, n = grid
    return "%r:%r:%d" % (lo, hi, n)


class TestFeGrid(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.ref = reference()

    def case_args(self, case):
        return ("--criterion", "fe-grid", "--sigma-noise-grid", grid_text(case["sigma_noise_grid"]),
                "--sigma-coef-grid", grid_text(case["sigma_coef_grid"]),
                "--prior", case["prior"], "--intercept-term")

    def es_json(self, *args):
        out = os.path.join(self.dir, "out.json")
        proc = run("es", os.path.join(base.ROOT, OCTET), "--target", OCTET_TARGET,
                   "--features", ",".join(self.ref["features"]), "--quiet", "--json", out,
                   *args)
        self.assertExit(proc, 0)
        with open(out, encoding="utf-8") as f:
            return json.load(f)

    def test_exhbma_per_model_and_posteriors(self):
        names = self.ref["features"]
        for case in self.ref["cases"]:
            with self.subTest(prior=case["prior"]):
                data = self.es_json(*self.case_args(case), "--min-size", "0", "--top", "1024",
                                    "--threads", "2")
                self.assertEqual(data["n_models"], 1024)
                self.assertEqual(len(data["models"]), 1024)
                seen = set()
                for m in data["models"]:
                    mask = sum(1 << names.index(f) for f in m["features"])
                    seen.add(mask)
                    self.assertLessEqual(abs(-m["criterion"] - case["log_likelihoods"][mask]),
                                         TOL, m["features"])
                self.assertEqual(len(seen), 1024)
                for name, want in zip(names, case["feature_posteriors"]):
                    self.assertLessEqual(abs(data["posterior_inclusion"][name] - want), TOL)
                # exhbma's model prior 2^-10 (alpha 0.5) is the uniform prior over 1024 models
                self.assertLessEqual(abs(data["log_evidence_total"] - case["log_likelihood"]),
                                     TOL)
                grid = data["sigma_grid"]
                self.assertEqual([grid["sigma_noise"][k] for k in ("lo", "hi", "n")],
                                 case["sigma_noise_grid"])
                self.assertTrue(grid["intercept_term"])
                self.assertEqual(grid["prior"]["kind"], case["prior"].split(":")[0])

    def test_null_model_needs_min_size_zero(self):
        case = self.ref["cases"][0]
        data = self.es_json(*self.case_args(case), "--top", "1024")
        self.assertEqual(data["n_models"], 1023)
        self.assertEqual(min(m["size"] for m in data["models"]), 1)

    def test_shards_merge_to_the_whole(self):
        case = self.ref["cases"][1]
        whole = self.es_json(*self.case_args(case), "--min-size", "0")
        parts = []
        for i in range(2):
            path = os.path.join(self.dir, "part%d.res" % i)
            proc = run("es", os.path.join(base.ROOT, OCTET), "--target", OCTET_TARGET,
                       "--features", ",".join(self.ref["features"]), "--quiet",
                       *self.case_args(case), "--min-size", "0", "--shard", "%d/2" % i,
                       "--save", path)
            self.assertExit(proc, 0)
            parts.append(path)
        out = os.path.join(self.dir, "merged.json")
        proc = run("merge", out, *parts)
        self.assertExit(proc, 0)
        with open(out, encoding="utf-8") as f:
            merged = json.load(f)
        self.assertEqual(merged["sigma_grid"], whole["sigma_grid"])
        self.assertEqual(merged["posterior_inclusion"], whole["posterior_inclusion"])
        self.assertEqual(merged["log_evidence_total"], whole["log_evidence_total"])

    def es_fails(self, *args):
        proc = run("es", os.path.join(base.ROOT, OCTET), "--target", OCTET_TARGET, "--quiet",
                   *args)
        self.assertEqual(proc.stdout, "")
        return proc

    def test_bad_options(self):
        for args, words in (
                (("--criterion", "fe-marg", "--prior", "inverse"), "--criterion fe-grid"),
                (("--criterion", "bic", "--intercept-term"), "--intercept-term"),
                (("--criterion", "fe-grid", "--sigma-noise-grid", "1:0.1:5"), "lo < hi"),
                (("--criterion", "fe-grid", "--sigma-coef-grid", "0:1:5"), "positive"),
                (("--criterion", "fe-grid", "--sigma-coef-grid", "0.1:1:1"), "2 to 128"),
                (("--criterion", "fe-grid", "--sigma-coef-grid", "0.1:1"), "LO:HI:N"),
                (("--criterion", "fe-grid", "--prior", "gamma:1"), "gamma:SHAPE:SCALE"),
                (("--criterion", "fe-grid", "--prior", "gamma:-1:2"), "positive"),
                (("--criterion", "fe-grid", "--prior", "jeffreys"), "inverse, uniform")):
            with self.subTest(args=args):
                proc = self.es_fails(*args)
                self.assertExit(proc, 2)
                self.assertIn(words, proc.stderr)

    def test_too_many_ratios_refused(self):
        proc = self.es_fails("--criterion", "fe-grid", "--sigma-noise-grid", "0.01:1:20",
                             "--sigma-coef-grid", "0.01:1:21")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("distinct ratios", proc.stderr)

    def test_remc_refuses(self):
        proc = run("remc", os.path.join(base.ROOT, OCTET), "--target", OCTET_TARGET,
                   "--criterion", "fe-grid")
        self.assertExit(proc, 2)
        self.assertIn("fe-grid", proc.stderr)


if __name__ == "__main__":
    base.main(__doc__)
