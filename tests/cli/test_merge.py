#!/usr/bin/env python3
"""Tests of `sparsemi es --shard/--save/--checkpoint` and `sparsemi merge`, run as a user
runs them.

Usage: test_merge.py SPARSEMI SOURCE_ROOT [unittest options]

The reference is the program itself run whole: shards merged, and a run killed with
SIGKILL and started again, must give the JSON of one uninterrupted search, field by field
(all but the timing and the provenance: elapsed_s, threads, command, shard, inputs, and the
data file's path, which a saved result does not record: merge writes "file": null).

The result files alone suffice: es --save writes no sidecar, and merge reads the data's
identity and the search's configuration from the files (smi_search_result_load)."""
import json
import os
import random
import re
import signal
import subprocess
import time

import test_cli as base
from test_cli import CliTestCase, OCTET, OCTET_TARGET, run
from test_es import PRIMARIES, svg_root

PROVENANCE = ("elapsed_s", "threads", "command", "shard", "inputs", "file")


def same_search(r):
    return {k: v for k, v in r.items() if k not in PROVENANCE}


class ShardCase(CliTestCase):
    def es(self, *args, data=OCTET):
        return run("es", data, "--target", OCTET_TARGET, "--quiet", *args)

    def ok(self, proc):
        self.assertExit(proc, 0)
        return proc

    def shards(self, count, *args, prefix="s", data=OCTET):
        paths = [os.path.join(self.dir, "%s_%d" % (prefix, i)) for i in range(count)]
        for i, path in enumerate(paths):
            self.ok(self.es(*args, "--shard", "%d/%d" % (i, count), "--save", path,
                            "--json", path + ".json", data=data))
        return paths

    def merge(self, *args, code=0):
        proc = run("merge", *args)
        self.assertExit(proc, code)
        return proc

    def whole(self, *args):
        return json.loads(self.ok(self.es(*args, "--json", "-")).stdout)

    def read(self, path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)


class TestShards(ShardCase):
    CONFIGS = {
        "cv": ("--criterion", "cv", "--folds", "5", "--fold-seed", "none"),
        "bic-keep": ("--criterion", "bic", "--keep", "EA_A", "--max-size", "5", "--top", "40",
                     "--bins", "16"),
        "fe": ("--features", ",".join(PRIMARIES), "--criterion", "fe", "--alpha", "0.5",
               "--beta", "2", "--min-size", "2", "--no-intercept"),
        "fe-marg": ("--features", ",".join(PRIMARIES), "--criterion", "fe-marg",
                    "--ratio-grid", "1e-2:1e2:7", "--model-prior", "bernoulli:0.3"),
    }

    def test_merged_equals_whole(self):
        for name, args in self.CONFIGS.items():
            with self.subTest(config=name):
                whole = self.whole(*args)
                paths = self.shards(3, *args, prefix=name)
                parts = [self.read(p + ".json") for p in paths]
                self.assertEqual([p["shard"] for p in parts],
                                 [{"count": 3, "indices": [i]} for i in range(3)])
                self.assertEqual(sum(p["n_models"] for p in parts), whole["n_models"])
                out = os.path.join(self.dir, name + ".json")
                self.merge(out, *paths)
                merged = self.read(out)
                self.assertEqual(same_search(merged), same_search(whole))
                self.assertEqual((merged["command"], merged["inputs"], merged["shard"]),
                                 ("merge", paths, {"count": 3, "indices": [0, 1, 2]}))
                for key in ("models", "best_by_size", "dos", "n_models", "n_singular",
                            "feature_frequency", "folds", "log_evidence_total",
                            "posterior_inclusion", "size_posterior"):
                    self.assertEqual(merged.get(key), whole.get(key), key)

    def test_merge_in_steps(self):
        args = self.CONFIGS["cv"]
        whole = self.whole(*args)
        s = self.shards(4, *args)
        m01, m23 = os.path.join(self.dir, "m01"), os.path.join(self.dir, "m23")
        proc = self.merge("-", s[1], s[0], "--save", m01)
        self.assertIn("warning", proc.stderr)  # 2 of 4 shards: part of the search
        self.assertEqual(json.loads(proc.stdout)["shard"], {"count": 4, "indices": [0, 1]})
        self.merge(os.devnull, s[3], s[2], "--save", m23)
        final = json.loads(self.merge("-", m23, m01).stdout)
        self.assertEqual(same_search(final), same_search(whole))
        # A merged result is saved as one search (shard 0 of 1): the library does not say
        # which shards it holds, so the report of a merge of merges covers the whole search.
        self.assertIsNone(final["shard"])

    def test_table_and_plots(self):
        paths = self.shards(2, "--max-size", "3")
        prefix = os.path.join(self.dir, "merged")
        out = os.path.join(self.dir, "out.json")
        proc = self.merge(out, *paths, "--plot", prefix)
        # Every file written is named, one line each, and nothing else is said.
        self.assertEqual(sorted(proc.stderr.splitlines()),
                         sorted("sparsemi: wrote " + f for f in
                                (out, prefix + "-dos.svg", prefix + "-weights.svg")))
        self.assertRegex(proc.stdout, r"(?m)^shards\s+0, 1 of 2$")
        self.assertRegex(proc.stdout, r"(?m)^target\s+%s$" % OCTET_TARGET)
        self.assertRegex(proc.stdout, r"(?m)^merged\s+2 results$")
        self.assertRegex(proc.stdout, r"(?m)^data\s+s_0 \(a saved result")
        for suffix in ("-dos.svg", "-weights.svg"):
            svg_root(prefix + suffix)
        self.assertFalse(os.path.exists(prefix + "-inclusion.svg"))  # BIC: no posterior
        self.assertNoTempFiles()
        fe = self.shards(2, "--max-size", "3", "--criterion", "fe-ng", prefix="fe")
        self.merge(os.path.join(self.dir, "fe.json"), *fe, "--plot", prefix + "-fe")
        svg_root(prefix + "-fe-inclusion.svg")
        self.assertNoTempFiles()
        shard = self.ok(self.es("--max-size", "2", "--shard", "1/2"))
        self.assertRegex(shard.stdout, r"(?m)^shard\s+1 of 2$")
        proc = self.merge(os.devnull, paths[1])
        self.assertRegex(proc.stdout, r"(?m)^shard\s+1 of 2 \(incomplete\)$")

    def test_whole_search_saved(self):
        path = os.path.join(self.dir, "all")
        whole = json.loads(self.ok(self.es("--max-size", "3", "--save", path, "--json", "-")).stdout)
        merged = json.loads(self.merge("-", path).stdout)
        self.assertEqual(same_search(merged), same_search(whole))
        self.assertIsNone(merged["shard"])
        self.assertIsNone(merged["file"])
        self.assertFalse(os.path.exists(path + ".meta.json"))  # no sidecar any more


class TestMergeErrors(ShardCase):
    """A merge of parts that do not belong together fails (1) and writes nothing."""

    def failing(self, code, *inputs, contains=()):
        out = os.path.join(self.dir, "out.json")
        proc = run("merge", out, *inputs)
        self.assertExit(proc, code)
        self.assertTrue(proc.stderr.startswith("sparsemi"), proc.stderr)
        for text in contains:
            self.assertIn(text, proc.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertNoTempFiles()

    def other_data(self, name):
        """The octet file with one target value changed: same columns, other values."""
        with open(os.path.join(base.ROOT, OCTET), encoding="utf-8") as f:
            lines = f.read().splitlines()
        header = lines[0].split(",")
        col = header.index(OCTET_TARGET)
        row = next(i for i, line in enumerate(lines) if i > 0 and not line.startswith("#"))
        fields = lines[row].split(",")
        fields[col] = repr(float(fields[col]) + 0.125)
        lines[row] = ",".join(fields)
        return self.write(name, "\n".join(lines) + "\n")

    def test_different_data(self):
        args = ("--max-size", "3")
        s = self.shards(3, *args)
        t = self.shards(3, *args, prefix="t", data=self.other_data("other.csv"))
        self.failing(1, s[0], s[1], t[2], contains=["data differ"])

    def test_different_data_names_both_fingerprints(self):
        """The fingerprints are the library's (smi_data_id_fingerprint): FNV-1a 64 of the
        data, which differ when one value does; the message names both files and both."""
        args = ("--max-size", "3")
        s = self.shards(2, *args)
        t = self.shards(2, *args, prefix="t", data=self.other_data("other.csv"))
        out = os.path.join(self.dir, "out.json")
        proc = run("merge", out, s[0], t[1])
        self.assertExit(proc, 1)
        self.assertIn(s[0], proc.stderr)
        self.assertIn(t[1], proc.stderr)
        prints = re.findall(r"\b[0-9a-f]{16}\b", proc.stderr)
        self.assertEqual(len(set(prints)), 2, proc.stderr)
        self.assertFalse(os.path.exists(out))

    def test_different_options(self):
        s = self.shards(2, "--max-size", "3")
        t = self.shards(2, "--max-size", "2", prefix="t")
        self.failing(1, s[0], t[1], contains=["configuration"])
        u = self.shards(3, "--max-size", "3", prefix="u")
        self.failing(1, s[0], u[1], contains=["2 and 3 shards"])

    def test_shard_twice(self):
        s = self.shards(2, "--max-size", "2")
        self.failing(1, s[0], s[1], s[0], contains=["shard 0 of 2"])

    def test_missing_or_bad_files(self):
        s = self.shards(2, "--max-size", "2")
        self.failing(1, s[0], os.path.join(self.dir, "nosuch"), contains=["nosuch"])
        bad = self.write("bad", "not a result\n")
        self.failing(1, bad, contains=["bad"])
        with open(s[0], encoding="utf-8") as f:
            head = f.read()
        cut = self.write("cut", head[: len(head) // 2])
        self.failing(1, cut, contains=["cut"])

    def test_usage(self):
        for args in ([], [os.path.join(self.dir, "out.json")], ["--frobnicate", "a", "b"]):
            proc = run("merge", *args)
            self.assertExit(proc, 2)
            self.assertIn("sparsemi merge", proc.stderr)
        proc = run("merge", "x.json", "a", "--save", "x.json")
        self.assertExit(proc, 2)
        proc = run("merge", "--help")
        self.assertExit(proc, 0)
        self.assertIn("Usage: sparsemi merge OUT.json FILE...", proc.stdout)
        self.assertRegex(run("--help").stdout, r"(?m)^\s+merge\s")


class TestCheckpoint(CliTestCase):
    """kill -9 during a checkpointed run, then the same command again: the same result.
    2^23 subsets by 5-fold CV take about 2 s on one thread; under a wrapper such as
    valgrind, which is some 50 times slower, 2^17 do."""
    P, N = (17 if base.WRAPPER else 23), 60

    def data(self):
        rng = random.Random(5)
        names = ["x%d" % j for j in range(self.P)]
        lines = [",".join(names + ["y"])]
        for _ in range(self.N):
            x = [rng.gauss(0, 1) for _ in range(self.P)]
            y = 1.5 * x[0] - 2 * x[3] + 0.5 * x[7] + rng.gauss(0, 0.3)
            lines.append(",".join("%.17g" % v for v in x + [y]))
        return self.write("synthetic.csv", "\n".join(lines) + "\n")

    def test_resume_after_kill(self):
        args = ["es", self.data(), "--target", "y", "--criterion", "cv", "--folds", "5",
                "--threads", "1", "--quiet", "--top", "50"]
        start = time.monotonic()
        whole = run(*args, "--json", "-")
        took = time.monotonic() - start
        self.assertExit(whole, 0)
        self.assertGreater(took, 0.5, "the search is too quick to be interrupted")
        ck, out = os.path.join(self.dir, "ck"), os.path.join(self.dir, "out.json")
        again = args + ["--checkpoint", ck, "--checkpoint-interval", "0.05", "--json", out]
        proc = subprocess.Popen(base.WRAPPER + [base.EXE] + again, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10 * took + 30
        while not os.path.exists(ck) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(min(0.2, took / 10))
        running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        self.assertTrue(running, "the run ended before it could be killed")
        self.assertTrue(os.path.exists(ck), "no checkpoint written")
        self.assertFalse(os.path.exists(out))
        resumed = run(*again)
        self.assertExit(resumed, 0)
        with open(out, encoding="utf-8") as f:
            self.assertEqual(same_search(json.load(f)), same_search(json.loads(whole.stdout)))


if __name__ == "__main__":
    base.main(__doc__)
