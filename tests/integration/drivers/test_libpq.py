"""libpq (libpq-dev) in C against PostgreSQL 15 and iris-pgwire: libpq/scenario.c, built
once per run, covers text and binary parameters and results, pipeline mode with an error in
the middle, DECLARE/FETCH pages and single-row mode, transactions; it must print every
step's line and exit 0 against both servers."""

import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
STEPS = ["round trip ok", "dml ok", "pipeline ok", "pages ok", "transactions ok", "scenario ok"]


@pytest.fixture(scope="module")
def binary():
    if not shutil.which("cc") or not os.path.exists("/usr/include/postgresql/libpq-fe.h"):
        pytest.skip("needs a C compiler and libpq-dev (scripts/install-deps.sh)")
    out_dir = os.path.join(ROOT, "build", "drivers")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "libpq-scenario")
    r = subprocess.run(["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I/usr/include/postgresql", "-o", out,
                        os.path.join(HERE, "libpq", "scenario.c"), "-lpq"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def test_libpq_scenario(target, binary):
    r = subprocess.run([binary, target.dsn()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines() == STEPS, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
