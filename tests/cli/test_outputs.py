#!/usr/bin/env python3
"""The files a command writes: a set committed whole or not at all, temporary files that a
killed run leaves and the next run removes, and the time limit of a search.

Usage: test_outputs.py SPARSEMI SOURCE_ROOT [unittest options]

A full disk is a file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored so that the write
fails with EFBIG) or /dev/full; the references are the files' contents before the run
(compared byte for byte), the naming rule of lib/core/tmpfile.c (FNV-1a of the host name,
the writer's pid) and closed-form subset counts (2^p - 1)."""
import os
import random
import resource
import signal
import socket
import subprocess
import time
import unittest

import test_cli as base
from test_cli import CliTestCase, run

SMALL = ("y,a,b,c,d\n1,2,3,1,5\n2,3,1,4,1\n3,1,4,1,2\n4,5,9,2,6\n5,3,5,8,9\n6,7,9,3,2\n"
         "7,3,8,4,6\n")
SET = ("o.json", "o.res", "o-dos.svg", "o-weights.svg")


def host_tag():
    """FNV-1a (32 bits) of the host name, as lib/core/tmpfile.c names temporaries."""
    h = 2166136261
    for byte in socket.gethostname().encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return "%08x" % h


def dead_pid():
    """The pid of a process that has ended and been reaped."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def file_size_limit(limit):
    """preexec_fn: writes beyond `limit` bytes fail with EFBIG (SIGXFSZ ignored)."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


class OutputsCase(CliTestCase):
    def setUp(self):
        super().setUp()
        self.data = self.write("small.csv", SMALL)

    def es_args(self, data=None, *extra):
        return ["es", data or self.data, "--target", "y", "--quiet", "--json",
                self.path("o.json"), "--save", self.path("o.res"), "--plot",
                self.path("o"), *extra]

    def path(self, name):
        return os.path.join(self.dir, name)

    def contents(self, names):
        out = {}
        for name in names:
            try:
                with open(self.path(name), "rb") as f:
                    out[name] = f.read()
            except FileNotFoundError:
                out[name] = None
        return out

    def run_limited(self, args, limit):
        return subprocess.run(base.WRAPPER + [base.EXE, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, encoding="utf-8", errors="replace",
                              timeout=300, preexec_fn=file_size_limit(limit))


class TestOutputSet(OutputsCase):
    """es --json --save --plot on a full disk: all four files new, or all as before."""

    def sizes(self):
        proc = run(*self.es_args())
        self.assertExit(proc, 0)
        sizes = {name: os.path.getsize(self.path(name)) for name in SET}
        for name in SET:
            os.unlink(self.path(name))
        return sizes

    def limits(self, sizes):
        """File-size limits at which some members of the set fit and others do not."""
        values = sorted(set(sizes.values()))
        return [(a + b) // 2 for a, b in zip(values, values[1:])]

    def test_full_disk_writes_no_member(self):
        sizes = self.sizes()
        self.assertTrue(self.limits(sizes), sizes)
        for limit in self.limits(sizes):
            proc = self.run_limited(self.es_args(), limit)
            self.assertExit(proc, 1)
            self.assertIn("too large", proc.stderr.lower())
            self.assertEqual(self.contents(SET), dict.fromkeys(SET), "limit %d" % limit)
            self.assertNoTempFiles()

    def test_full_disk_keeps_the_old_set(self):
        sizes = self.sizes()
        for name in SET:
            self.write(name, "old " + name)
        before = self.contents(SET)
        for limit in self.limits(sizes):
            proc = self.run_limited(self.es_args(), limit)
            self.assertExit(proc, 1)
            self.assertEqual(self.contents(SET), before, "limit %d" % limit)
            self.assertNoTempFiles()

    def test_full_device_member_writes_no_result_file(self):
        proc = run("es", self.data, "--target", "y", "--quiet", "--json", "/dev/full",
                   "--save", self.path("o.res"))
        self.assertExit(proc, 1)
        self.assertIn("/dev/full", proc.stderr)
        self.assertFalse(os.path.exists(self.path("o.res")))
        self.assertNoTempFiles()

    def test_failed_rename_puts_back_the_members_before_it(self):
        """The result file's name is a directory: its rename, the set's last, fails after
        the JSON's; the JSON must be the old file again."""
        self.write("o.json", "old json")
        os.mkdir(self.path("o.res"))
        proc = run("es", self.data, "--target", "y", "--quiet", "--json", self.path("o.json"),
                   "--save", self.path("o.res"))
        self.assertExit(proc, 1)
        self.assertIn("no file of the set was replaced", proc.stderr)
        self.assertEqual(self.contents(["o.json"])["o.json"], b"old json")
        self.assertTrue(os.path.isdir(self.path("o.res")))
        self.assertNoTempFiles()

    def test_save_to_a_device_is_refused(self):
        proc = run("es", self.data, "--target", "y", "--quiet", "--save", "/dev/null")
        self.assertExit(proc, 2)
        self.assertIn("'--save' needs a regular file", proc.stderr)

    def test_merge_set_on_a_full_device(self):
        self.assertExit(run("es", self.data, "--target", "y", "--quiet", "--save",
                            self.path("part.res")), 0)
        proc = run("merge", "/dev/full", self.path("part.res"), "--save", self.path("m.res"))
        self.assertExit(proc, 1)
        self.assertFalse(os.path.exists(self.path("m.res")))
        self.assertNoTempFiles()
        proc = run("merge", self.path("m.json"), self.path("part.res"), "--save",
                   self.path("m.res"))
        self.assertExit(proc, 0)
        self.assertTrue(os.path.exists(self.path("m.res")))


class TestStaleTemporaries(OutputsCase):
    """kill -9 leaves the temporaries; the next run of the same outputs removes them."""

    def temporaries(self):
        return sorted(name for name in os.listdir(self.dir) if ".tmp." in name)

    def test_killed_run_leaves_files_the_next_run_removes(self):
        fifo = self.path("blocked.csv")
        os.mkfifo(fifo)  # opening it blocks: the outputs are open, the work not started
        proc = subprocess.Popen(base.WRAPPER + [base.EXE] + self.es_args(fifo),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(self.temporaries()) < len(SET) and time.monotonic() < deadline:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        left = self.temporaries()
        self.assertEqual(len(left), len(SET), left)
        tag = ".tmp.%s-%d-" % (host_tag(), proc.pid)
        for name in left:
            self.assertIn(tag, name)
            self.assertEqual(os.path.getsize(self.path(name)), 0)
        os.unlink(fifo)
        self.assertExit(run(*self.es_args()), 0)
        self.assertEqual(self.temporaries(), [])
        for name in SET:
            self.assertTrue(os.path.getsize(self.path(name)) > 0, name)

    def test_only_stale_temporaries_of_the_same_outputs_are_removed(self):
        host, dead, alive = host_tag(), dead_pid(), os.getpid()
        other_host = "%08x" % (int(host, 16) ^ 1)
        stale = ["o.json.tmp.%s-%d-0123abcd" % (host, dead),
                 "o.res.tmp.%s-%d-89abcdef" % (host, dead),
                 "o.res.tmp.%s-%d-89abcdef.tmp.%s-%d-01234567" % (host, dead, host, dead),
                 "ck.tmp.%s-%d-fedcba98" % (host, dead)]
        kept = ["o.json.tmp.%s-%d-0123abcd" % (host, alive),   # a running writer
                "o.json.tmp.%s-%d-0123abcd" % (other_host, dead),  # another machine's
                "o.json.tmp.AbC123",                            # mkstemp's older names
                "other.json.tmp.%s-%d-0123abcd" % (host, dead),  # another output's
                "o.json.tmp.%s-%d-0123abc" % (host, dead)]      # not the scheme
        for name in stale + kept:
            self.write(name, "")
        proc = run("es", self.data, "--target", "y", "--quiet", "--json", self.path("o.json"),
                   "--save", self.path("o.res"), "--checkpoint", self.path("ck"))
        self.assertExit(proc, 0)
        self.assertEqual(self.temporaries(), sorted(kept))


def write_random_csv(path, n, p, seed):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(["x%d" % j for j in range(p)] + ["y"]) + "\n")
        for _ in range(n):
            f.write(",".join("%.6f" % rng.gauss(0, 1) for _ in range(p + 1)) + "\n")


class TestTimeLimit(OutputsCase):
    """--max-time: a search estimated to take longer is refused before it starts."""

    def test_p62_is_refused_quickly_with_the_estimate(self):
        data = self.path("p62.csv")
        write_random_csv(data, 70, 62, 1)
        start = time.monotonic()
        proc = run("es", data, "--target", "y", "--quiet", "--json", self.path("o.json"))
        took = time.monotonic() - start
        self.assertExit(proc, 1)
        self.assertLess(took, 60.0)
        self.assertIn("would take about", proc.stderr)
        self.assertIn("%.4g subsets" % (2.0 ** 62 - 1), proc.stderr)  # 4.612e+18
        self.assertIn("--max-time", proc.stderr)
        self.assertFalse(os.path.exists(self.path("o.json")))
        self.assertNoTempFiles()

    def test_p64_is_too_many_to_count(self):
        data = self.path("p64.csv")
        write_random_csv(data, 70, 64, 2)
        proc = run("es", data, "--target", "y", "--quiet", "--max-time", "0")
        self.assertExit(proc, 1)
        self.assertIn("%.3g subsets are too many" % (2.0 ** 64 - 1), proc.stderr)

    def test_limit_refuses_and_raised_limit_accepts(self):
        args = ["es", self.data, "--target", "y", "--quiet", "--json", "-"]
        proc = run(*args, "--max-time", "1e-12")
        self.assertExit(proc, 1)
        self.assertIn("15 subsets", proc.stderr)  # 2^4 - 1
        self.assertIn("option '--max-time SECONDS' raises the limit of 1e-12 s", proc.stderr)
        for accepted in ("0", "3600"):
            self.assertExit(run(*args, "--max-time", accepted), 0)
        self.assertExit(run(*args), 0)  # the default limit, one day
        proc = run(*args, "--max-time", "-1")
        self.assertExit(proc, 2)
        self.assertIn("--max-time", proc.stderr)

    def test_vma_trials_are_refused_past_the_limit(self):
        args = ["vma", self.data, "--target", "y", "--model", "b,c", "--noise", "0.5",
                "--quiet", "--trials", "4", "--sizes", "7", "--json", "-"]
        proc = run(*args, "--max-time", "1e-12")
        self.assertExit(proc, 1)
        self.assertIn("4 searches (trials x sizes) of 15 subsets", proc.stderr)  # 2^4 - 1
        self.assertIn("option '--max-time SECONDS' raises the limit", proc.stderr)
        self.assertExit(run(*args, "--max-time", "0"), 0)
        self.assertExit(run(*args), 0)
        data = self.path("p62.csv")
        write_random_csv(data, 70, 62, 4)
        start = time.monotonic()
        proc = run("vma", data, "--target", "y", "--model", "x0,x1", "--noise", "0.5",
                   "--quiet", "--trials", "2")
        self.assertExit(proc, 1)
        self.assertLess(time.monotonic() - start, 60.0)
        self.assertIn("%.4g subsets each" % (2.0 ** 62 - 1), proc.stderr)

    def test_remc_threads_warning(self):
        proc = run("remc", self.data, "--target", "y", "--quiet", "--sweeps", "8",
                   "--burn-in", "0", "--replicas", "4", "--threads", "100000", "--json", "-")
        self.assertExit(proc, 0)
        self.assertIn("warning: --threads 100000", proc.stderr)
        self.assertIn('"threads": 4', proc.stdout)


if __name__ == "__main__":
    base.main(__doc__)
