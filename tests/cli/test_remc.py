#!/usr/bin/env python3
"""Tests of `sparsemi remc` (replica-exchange Monte Carlo), run as a user runs it.

Usage: test_remc.py SPARSEMI SOURCE_ROOT [unittest options]

The reference is the exhaustive search: `sparsemi es` on the same small data set (n = 40,
p = 12, the target made of 3 features and noise, written here from a fixed seed) counts
every one of the 4095 subsets, and `remc --exact` must estimate those counts within 0.1 in
ln D in every bin holding at least 1e-4 of them, sum to the exact number of subsets, and
find the same best model; so must cv (on the folds of --folds 5 --fold-seed 3, which the es
file must share) and loo. The free-energy criteria's inclusion probabilities are checked
against the exact model posterior of es. Shares run() and the SPARSEMI_CLI_WRAPPER
convention with test_cli.py."""
import json
import re
import math
import os
import pty
import random
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

import test_cli as base
from test_cli import CliTestCase, run

N, P = 40, 12
STATES = 2 ** P - 1  # sizes 1..12
SVG = "{http://www.w3.org/2000/svg}"
# The main comparison runs 60000 sweeps: with the default 20000 the largest error, always
# in a bin of one or two subsets, ranges over about 0.04 to 0.11 with the seed; with 60000
# it stays below 0.06. The run is deterministic; this is its margin.
SWEEPS = "60000"


def write_data(path, seed=20251125):
    """y = 1.5 x0 - 2 x3 + 0.8 x7 + noise, features uniform on [-0.5, 0.5]."""
    rng = random.Random(seed)
    X = [[rng.uniform(-0.5, 0.5) for _ in range(P)] for _ in range(N)]
    y = [1.5 * r[0] - 2.0 * r[3] + 0.8 * r[7] + rng.gauss(0.0, 0.15) for r in X]
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(["x%d" % j for j in range(P)] + ["y"]) + "\n")
        for r, t in zip(X, y):
            f.write(",".join("%.6f" % v for v in r + [t]) + "\n")


def checked_json(proc, what):
    if proc.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (what, proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def svg_root(path):
    root = ET.parse(path).getroot()  # raises on malformed XML
    assert root.tag == SVG + "svg", root.tag
    return root


class RemcData:
    """A temporary directory with the data set and the exhaustive searches of it."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sparsemi-remc-")
        self.dir = self.tmp.name
        self.data = os.path.join(self.dir, "data.csv")
        write_data(self.data)
        self.es = {}

    def es_json(self, criterion, *args):
        """Run es once per criterion and further options; returns (path, parsed JSON)."""
        key = (criterion,) + args
        if key not in self.es:
            path = os.path.join(self.dir, "es-%s.json" % "".join(c if c.isalnum() else "_"
                                                                 for c in "-".join(key)))
            proc = run("es", self.data, "--target", "y", "--criterion", criterion, *args,
                       "--json", path, "--quiet")
            if proc.returncode != 0:
                raise AssertionError("es: exit %d\n%s" % (proc.returncode, proc.stderr))
            with open(path, encoding="utf-8") as f:
                self.es[key] = (path, json.load(f))
        return self.es[key]

    def remc(self, *args, **kw):
        return run("remc", self.data, "--target", "y", "--quiet", *args, **kw)

    def remc_json(self, *args):
        return checked_json(self.remc(*args, "--json", "-"), "remc %s" % (args,))


class TestRemcAgainstExact(CliTestCase):
    """BIC over all 4095 subsets: remc --exact against es."""

    @classmethod
    def setUpClass(cls):
        cls.d = RemcData()
        cls.es_path, cls.es = cls.d.es_json("bic")
        cls.prefix = os.path.join(cls.d.dir, "bic")
        cls.json_path = os.path.join(cls.d.dir, "remc.json")
        cls.proc = cls.d.remc("--criterion", "bic", "--exact", cls.es_path, "--sweeps", SWEEPS,
                              "--threads", "2", "--json", cls.json_path, "--plot", cls.prefix)
        cls.r = None
        if cls.proc.returncode == 0:
            with open(cls.json_path, encoding="utf-8") as f:
                cls.r = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def setUp(self):
        super().setUp()
        self.assertExit(self.proc, 0)

    def test_request(self):
        r = self.r
        self.assertEqual((r["command"], r["criterion"], r["target"]), ("remc", "bic", "y"))
        self.assertEqual(r["version"], base.header_version())
        self.assertEqual((r["n_samples"], r["n_features"]), (N, P))
        self.assertEqual(r["features"], ["x%d" % j for j in range(P)])
        self.assertEqual((r["min_size"], r["max_size"], r["keep"]), (1, P, []))
        self.assertEqual((r["replicas"], r["sweeps"], r["burn_in"], r["seed"], r["threads"]),
                         (16, int(SWEEPS), int(SWEEPS) // 10, 1, 2))
        self.assertIsNone(r["bins"])  # the bins of --exact
        self.assertIn("elapsed_s", r)
        self.assertNotIn("posterior_inclusion", r)  # bic has none

    def test_ladder_and_rates(self):
        r = self.r
        ladder = r["ladder"]
        self.assertEqual(len(ladder), 16)
        self.assertEqual((ladder[0], ladder[-1]), (0, 1))
        self.assertAlmostEqual(ladder[1], 1e-3, places=15)
        self.assertTrue(all(a < b for a, b in zip(ladder, ladder[1:])))
        self.assertEqual(len(r["acceptance"]), 16)
        self.assertEqual(len(r["exchange_rates"]), 15)
        for v in r["acceptance"] + r["exchange_rates"]:
            self.assertTrue(0 < v <= 1, v)
        self.assertGreater(r["acceptance"][0], 0.99)  # beta 0 takes nearly every proposal
        # a proposal per replica and candidate in every sweep, burn-in included
        self.assertEqual(r["n_proposals"], 16 * P * (int(SWEEPS) + int(SWEEPS) // 10))

    def test_dos_sums_to_the_states(self):
        dos = self.r["dos"]
        self.assertEqual(self.r["n_states"], STATES)
        self.assertEqual(dos["edges"], self.es["dos"]["edges"])
        nb = len(dos["edges"]) - 1
        for key in ("counts", "errors", "log_counts"):
            self.assertEqual(len(dos[key]), nb, key)
        self.assertLessEqual(abs(sum(dos["counts"]) - STATES), 1e-9 * STATES)
        for c, lc, e in zip(dos["counts"], dos["log_counts"], dos["errors"]):
            if lc is None:  # no replica went there
                self.assertEqual(c, 0)
            else:
                self.assertAlmostEqual(math.log(c), lc, places=9)
            self.assertTrue(e is None or e >= 0, e)

    def test_dos_against_the_exhaustive_counts(self):
        exact, dos = self.r["exact"], self.r["dos"]
        counts = self.es["dos"]["counts"]
        self.assertEqual(exact["counts"], counts)
        self.assertEqual(exact["n_models"], self.es["n_models"])
        self.assertEqual(self.es["n_models"], STATES)  # no singular subset here
        worst, compared = 0.0, 0
        for b, c in enumerate(counts):
            if c < 1e-4 * STATES:
                continue
            self.assertIsNotNone(dos["log_counts"][b], "bin %d of %d subsets missed" % (b, c))
            worst = max(worst, abs(dos["log_counts"][b] - math.log(c)))
            compared += 1
        self.assertLessEqual(worst, 0.1)
        self.assertEqual(exact["compared_bins"], compared)
        self.assertAlmostEqual(exact["max_abs_log_error"], worst, places=12)

    def test_best_models_as_es(self):
        models, es_models = self.r["models"], self.es["models"]
        self.assertEqual(len(models), 100)
        self.assertEqual(models[0]["features"], es_models[0]["features"])
        self.assertTrue(self.r["exact"]["best_found"])
        self.assertEqual([m["rank"] for m in models], list(range(1, 101)))
        # the best ten of es are the best ten visited, with the same refitted criterion
        for m, e in zip(models[:10], es_models[:10]):
            self.assertEqual((m["size"], m["features"]), (e["size"], e["features"]))
            self.assertLessEqual(abs(m["criterion"] - e["criterion"]),
                                 1e-9 * abs(e["criterion"]))
        crit = [m["criterion"] for m in models]
        self.assertEqual(crit, sorted(crit))

    def test_table(self):
        out = self.proc.stdout
        for text in ("criterion  bic", "states     4095 subsets", "Ladder", "acceptance",
                     "exchange", "x0, x3, x7", "max |ln D_remc - ln D_exact|",
                     "best model found"):
            self.assertIn(text, out)

    def test_dos_svg(self):
        root = svg_root(self.prefix + "-dos.svg")
        bars = [r for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None]
        self.assertEqual(len(bars), sum(1 for c in self.r["dos"]["counts"] if c > 0))
        points = [c for c in root.iter(SVG + "circle") if c.find(SVG + "title") is not None]
        self.assertEqual(len(points), sum(1 for c in self.es["dos"]["counts"] if c > 0))
        text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
        self.assertIn("exhaustive search", text)
        self.assertIn("x0, x3", text)  # the best model's label

    def test_trace_svg(self):
        root = svg_root(self.prefix + "-trace.svg")
        lines = list(root.iter(SVG + "polyline"))
        self.assertEqual(len(lines), 16 + 1)  # a mean line per temperature, the acceptance
        self.assertEqual(len(list(root.iter(SVG + "polygon"))), 16)  # their ranges
        colours = {l.get("stroke") for l in lines[:16]}
        self.assertEqual(len(colours), 16)  # one colour per temperature
        exchange = [r for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None]
        self.assertEqual(len(exchange), 15)
        text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
        self.assertIn("burn-in", text)
        self.assertIn("sweep", text)


class TestRemcRuns(CliTestCase):
    """Reproducibility, the size options, the free-energy criteria, the bar."""

    @classmethod
    def setUpClass(cls):
        cls.d = RemcData()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def test_threads_do_not_change_the_result(self):
        args = ("--seed", "12345", "--sweeps", "2000", "--replicas", "6", "--top", "20")
        one = self.d.remc_json(*args, "--threads", "1")
        two = self.d.remc_json(*args, "--threads", "2")
        self.assertEqual((one.pop("threads"), two.pop("threads")), (1, 2))
        for r in (one, two):
            self.assertGreaterEqual(r.pop("elapsed_s"), 0)
        self.assertEqual(one, two)
        other = self.d.remc_json("--seed", "54321", *args[2:], "--threads", "1")
        self.assertNotEqual(other["acceptance"], one["acceptance"])

    def test_fixed_size(self):
        r = self.d.remc_json("--size", "3", "--sweeps", "2000", "--replicas", "8")
        self.assertEqual(r["n_states"], 220)  # C(12, 3)
        self.assertEqual((r["min_size"], r["max_size"]), (3, 3))
        self.assertLessEqual(abs(sum(r["dos"]["counts"]) - 220), 1e-9 * 220)
        self.assertTrue(all(m["size"] == 3 for m in r["models"]))

    def test_sizes_and_keep(self):
        r = self.d.remc_json("--max-size", "4", "--keep", "x7", "--sweeps", "1000",
                             "--replicas", "4")
        self.assertEqual((r["min_size"], r["max_size"], r["keep"]), (1, 4, ["x7"]))
        # x7 in every model, with 0 to 3 of the 11 others
        self.assertEqual(r["n_states"], 1 + 11 + 55 + 165)
        self.assertTrue(all("x7" in m["features"] for m in r["models"]))

    def test_ladder(self):
        r = self.d.remc_json("--ladder", "0,0.01,0.1,1", "--sweeps", "1000")
        self.assertEqual(r["ladder"], [0, 0.01, 0.1, 1])
        self.assertEqual((r["replicas"], r["beta_max"]), (4, None))
        self.assertIs(r["tune"], False)
        t = self.d.remc_json("--ladder", "0,0.01,0.1,1", "--sweeps", "1000", "--burn-in",
                             "400", "--tune")
        self.assertIs(t["tune"], True)
        self.assertEqual((t["ladder"][0], t["ladder"][-1]), (0, 1))  # the ends stay
        self.assertNotEqual(t["ladder"], r["ladder"])
        self.assertEqual(t["ladder"], sorted(t["ladder"]))

    def test_free_energy_inclusion(self):
        """fe and fe-ng: the inclusion probabilities sampled at beta 1 against the exact
        model posterior of es (uniform prior over the same subsets)."""
        for criterion in ("fe", "fe-ng"):
            _, es = self.d.es_json(criterion)
            r = self.d.remc_json("--criterion", criterion)
            incl = r["posterior_inclusion"]
            self.assertEqual(list(incl), ["x%d" % j for j in range(P)])
            for name, p in es["posterior_inclusion"].items():
                self.assertLessEqual(abs(incl[name] - p), 0.03, (criterion, name))
            self.assertEqual(r["models"][0]["features"], es["models"][0]["features"])
        self.assertEqual((r["ng_prior"]["lambda"], r["ng_prior"]["a0"]), (1, 1e-6))

    def test_grid_criterion_against_es(self):
        """fe-marg on a 5-point ratio grid: the DOS against es's on the same bins."""
        grid = ("--criterion", "fe-marg", "--ratio-grid", "1e-2:1e2:5")
        path = os.path.join(self.dir, "marg.json")
        proc = run("es", self.d.data, "--target", "y", "--quiet", *grid, "--json", path)
        self.assertExit(proc, 0)
        r = self.d.remc_json(*grid, "--exact", path)
        self.assertEqual(r["ratio_grid"], {"lo": 0.01, "hi": 100, "n": 5})
        self.assertLessEqual(r["exact"]["max_abs_log_error"], 0.1)
        with open(path, encoding="utf-8") as f:
            es = json.load(f)
        self.assertEqual(r["models"][0]["features"], es["models"][0]["features"])
        other = os.path.join(self.dir, "other.json")
        proc = run("es", self.d.data, "--target", "y", "--quiet", "--criterion", "fe-marg",
                   "--ratio-grid", "1e-2:1e2:7", "--json", other)
        self.assertExit(proc, 0)
        proc = run("remc", self.d.data, "--target", "y", "--quiet", *grid, "--exact", other,
                   "--json", os.path.join(self.dir, "never.json"))
        self.assertExit(proc, 1)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "never.json")))
        # the same JSON with a key given twice (its first value another count): refused,
        # naming the key, rather than either value silently taken
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("{") and '"n_models"' in text)
        twice = os.path.join(self.dir, "twice.json")
        with open(twice, "w", encoding="utf-8") as f:
            f.write('{"n_models": 1,' + text[1:])
        proc = run("remc", self.d.data, "--target", "y", "--quiet", *grid, "--exact", twice,
                   "--json", os.path.join(self.dir, "never.json"))
        self.assertExit(proc, 1)
        self.assertIn('the key "n_models" appears twice', proc.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "never.json")))

    def test_exact_from_the_saved_result(self):
        """--exact also takes the result file of es --save, alone: its DOS (the counts es
        wrote to its JSON) and best model are read through the library, and a result of
        other data is refused, naming both fingerprints."""
        args = ("--criterion", "bic", "--max-size", "4")
        saved = os.path.join(self.dir, "bic.res")
        path = os.path.join(self.dir, "bic.json")
        proc = run("es", self.d.data, "--target", "y", "--quiet", *args, "--save", saved,
                   "--json", path)
        self.assertExit(proc, 0)
        with open(path, encoding="utf-8") as f:
            es = json.load(f)
        self.assertFalse(os.path.exists(saved + ".meta.json"))
        sampler = ("--sweeps", "300", "--replicas", "4")
        r = self.d.remc_json(*args, *sampler, "--exact", saved)
        self.assertEqual(r["exact"]["n_models"], es["n_models"])
        self.assertEqual(r["exact"]["counts"], es["dos"]["counts"])
        self.assertEqual(r["dos"]["edges"], es["dos"]["edges"])
        other = os.path.join(self.dir, "other.csv")
        with open(self.d.data, encoding="utf-8") as f:
            lines = f.read().splitlines()
        lines[3] = lines[3].replace("1", "2", 1)
        with open(other, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        proc = run("remc", other, "--target", "y", "--quiet", *args, *sampler,
                   "--exact", saved)
        self.assertExit(proc, 1)
        self.assertIn("other data", proc.stderr)
        self.assertEqual(len(set(re.findall(r"\b[0-9a-f]{16}\b", proc.stderr))), 2)

    def test_no_inclusion_without_beta_one(self):
        r = self.d.remc_json("--criterion", "fe", "--beta-max", "0.5", "--sweeps", "200",
                             "--replicas", "4")
        self.assertNotIn("posterior_inclusion", r)

    def test_help(self):
        proc = run("help", "remc")
        self.assertExit(proc, 0)
        for option in ("--target", "--criterion", "--folds", "--fold-seed", "--fold-column",
                       "--size", "--replicas", "--beta-max",
                       "--ladder", "--sweeps", "--burn-in", "--seed", "--threads", "--top",
                       "--bins", "--exact", "--json", "--plot", "--quiet"):
            self.assertIn(option, proc.stdout)
        self.assertRegex(run("--help").stdout, r"(?m)^\s+remc\s")

    def test_bar_on_terminal(self):
        master, slave = pty.openpty()
        try:
            proc = subprocess.run(base.WRAPPER + [base.EXE, "remc", self.d.data, "--target", "y",
                                                  "--sweeps", "3000", "--json", os.devnull],
                                  stdout=subprocess.DEVNULL, stderr=slave, timeout=300)
            os.close(slave)
            slave = None
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other end is closed and drained
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            if slave is not None:
                os.close(slave)
            os.close(master)
        text = b"".join(chunks).decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, text)
        self.assertIn("100%", text)
        self.assertTrue(text.endswith("\r"), repr(text[-80:]))
        quiet = self.d.remc("--sweeps", "100", "--json", os.devnull)
        self.assertEqual(quiet.stderr, "")


class TestRemcHeldOut(CliTestCase):
    """cv (the data set's folds, set by the fold options as for es) and loo: remc --exact
    against es."""

    FOLDS = ("--folds", "5", "--fold-seed", "3")

    @classmethod
    def setUpClass(cls):
        cls.d = RemcData()

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def against_es(self, criterion, *folds):
        path, es = self.d.es_json(criterion, *folds)
        proc = self.d.remc("--criterion", criterion, *folds, "--exact", path, "--threads", "2",
                           "--json", "-")
        r = checked_json(proc, "remc --criterion %s" % criterion)
        self.assertEqual(r["criterion"], criterion)
        self.assertEqual(r["folds"], es["folds"])
        self.assertEqual(r["dos"]["edges"], es["dos"]["edges"])
        self.assertEqual(r["n_states"], STATES)
        self.assertLessEqual(r["exact"]["max_abs_log_error"], 0.1)
        self.assertGreater(r["exact"]["compared_bins"], 10)
        self.assertEqual(r["models"][0]["features"], es["models"][0]["features"])
        self.assertTrue(r["exact"]["best_found"])
        for m, e in zip(r["models"][:5], es["models"][:5]):
            self.assertEqual(m["features"], e["features"])
            self.assertLessEqual(abs(m["criterion"] - e["criterion"]), 1e-9 * e["criterion"])
        return r

    def test_cv(self):
        r = self.against_es("cv", *self.FOLDS)
        self.assertEqual(r["folds"], {"k": 5, "seed": 3, "column": None})

    def test_loo(self):
        r = self.against_es("loo")
        self.assertIsNone(r["folds"])

    def test_cv_defaults_and_table(self):
        """Ten folds from seed 0 by default, as es; the table names the folds."""
        proc = self.d.remc("--criterion", "cv", "--sweeps", "200", "--replicas", "4")
        self.assertExit(proc, 0)
        self.assertIn("criterion  cv\nfolds      10, shuffled with seed 0\n", proc.stdout)
        r = self.d.remc_json("--criterion", "cv", "--fold-seed", "none", "--sweeps", "200",
                             "--replicas", "4")
        self.assertEqual(r["folds"], {"k": 10, "seed": None, "column": None})
        r = self.d.remc_json("--sweeps", "200", "--replicas", "4")
        self.assertIsNone(r["folds"])  # bic

    def test_fold_column(self):
        with open(self.d.data, encoding="utf-8") as f:
            lines = f.read().splitlines()
        data = self.write("folds.csv", "\n".join([lines[0] + ",g"] + [
            line + ",%d" % (i % 4) for i, line in enumerate(lines[1:])]) + "\n")
        features = ",".join("x%d" % j for j in range(P))
        proc = run("remc", data, "--target", "y", "--features", features, "--criterion", "cv",
                   "--fold-column", "g", "--sweeps", "200", "--replicas", "4", "--quiet",
                   "--json", "-")
        r = checked_json(proc, "remc --fold-column")
        self.assertEqual(r["folds"], {"k": 4, "seed": None, "column": "g"})
        self.assertEqual(r["features"], features.split(","))


class TestRemcErrors(CliTestCase):
    """Bad calls exit 2, bad input 1, with a message naming the problem; neither leaves an
    output file behind."""

    @classmethod
    def setUpClass(cls):
        cls.d = RemcData()
        cls.es_bic, _ = cls.d.es_json("bic")
        cls.es_aic, _ = cls.d.es_json("aic")
        cls.es_cv4, _ = cls.d.es_json("cv", "--folds", "5", "--fold-seed", "4")

    @classmethod
    def tearDownClass(cls):
        cls.d.tmp.cleanup()

    def failing(self, code, *args, contains=()):
        out = os.path.join(self.dir, "out.json")
        prefix = os.path.join(self.dir, "plot")
        proc = run("remc", self.d.data, "--target", "y", "--sweeps", "100", *args,
                   "--json", out, "--plot", prefix)
        self.assertExit(proc, code)
        self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertEqual(os.listdir(self.dir), [], "output left by a failed run")

    def test_usage(self):
        self.failing(2, "--replicas", "1", contains=["--replicas", "2 to 256"])
        self.failing(2, "--ladder", "0,1,0.5", contains=["--ladder", "do not increase"])
        self.failing(2, "--ladder", "0,x", contains=["--ladder", "'x'"])
        self.failing(2, "--ladder", "0,1", "--replicas", "4", contains=["--ladder", "--replicas"])
        self.failing(2, "--sweeps", "3", contains=["--sweeps", "at least 8"])
        self.failing(2, "--criterion", "xyz", contains=["--criterion", "'xyz'", "cv and loo"])
        self.failing(2, "--criterion", "bic", "--folds", "5",
                     contains=["--folds", "--criterion cv"])
        self.failing(2, "--criterion", "loo", "--fold-seed", "3",
                     contains=["--fold-seed", "--criterion cv"])
        self.failing(2, "--criterion", "cv", "--folds", "1", contains=["--folds", "at least 2"])
        self.failing(2, "--criterion", "cv", "--fold-seed", "-3", contains=["--fold-seed", "'-3'"])
        self.failing(2, "--criterion", "cv", "--fold-column", "x0", "--folds", "3",
                     contains=["--fold-column", "--folds"])
        self.failing(2, "--beta-max", "0", contains=["--beta-max"])
        self.failing(2, "--seed", "-1", contains=["--seed"])
        self.failing(2, "--size", "3", "--max-size", "4", contains=["--size", "--max-size"])
        self.failing(2, "--size", "0", contains=["--size"])
        self.failing(2, "--exact", self.es_bic, "--bins", "8", contains=["--bins", "--exact"])
        self.failing(2, "--alpha", "1", "--beta", "1", contains=["--criterion fe"])
        self.failing(2, "--criterion", "fe", "--alpha", "-1", "--beta", "1",
                     contains=["--prior-precision"])  # --alpha is its alias
        self.failing(2, "--top", "0", contains=["--top"])

    def test_bad_input(self):
        self.failing(1, "--exact", self.es_aic, contains=["'aic'", "'bic'", "criterion"])
        self.failing(1, "--exact", self.es_bic, "--max-size", "3", contains=["sizes"])
        self.failing(1, "--exact", self.es_bic, "--no-intercept", contains=["intercept"])
        self.failing(1, "--exact", self.d.data, contains=["not valid JSON"])
        self.failing(1, "--exact", os.path.join(self.dir, "nosuch.json"), contains=["nosuch"])
        self.failing(1, "--keep", "nosuch", contains=["'nosuch'"])
        self.failing(1, "--max-size", "13", contains=["13"])
        self.failing(1, "--criterion", "cv", "--folds", "41", contains=["41 folds"])

    def test_exact_with_other_folds(self):
        """The es file must have used the same folds as asked."""
        self.failing(1, "--criterion", "cv", "--folds", "5", "--fold-seed", "3",
                     "--exact", self.es_cv4,
                     contains=["folds", "5 folds shuffled with seed 4",
                               "not 5 folds shuffled with seed 3"])
        self.failing(1, "--criterion", "cv", "--exact", self.es_cv4,
                     contains=["other folds", "10 folds shuffled with seed 0"])
        self.failing(1, "--criterion", "cv", "--folds", "5", "--fold-seed", "none",
                     "--exact", self.es_cv4, contains=["other folds", "5 unshuffled folds"])
        self.failing(1, "--criterion", "loo", "--exact", self.es_cv4,
                     contains=["'cv'", "'loo'", "criterion"])

    def test_other_target(self):
        other = os.path.join(self.dir, "other.json")
        with open(self.es_bic, encoding="utf-8") as f:
            r = json.load(f)
        r["target"] = "z"
        with open(other, "w", encoding="utf-8") as f:
            json.dump(r, f)
        proc = run("remc", self.d.data, "--target", "y", "--exact", other, "--json", "-")
        self.assertExit(proc, 1)
        self.assertIn("'z'", proc.stderr)
        self.assertEqual(proc.stdout, "")

    def test_failure_keeps_existing_file(self):
        out = self.write("out.json", "old contents")
        proc = run("remc", self.d.data, "--target", "y", "--exact", self.es_aic, "--json", out)
        self.assertExit(proc, 1)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(f.read(), "old contents")
        self.assertNoTempFiles()


if __name__ == "__main__":
    base.main(__doc__)
