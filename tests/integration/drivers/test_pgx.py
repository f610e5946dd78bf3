"""pgx v4 (golang-github-jackc-pgx-v4-dev) against PostgreSQL 15 and iris-pgwire.

go/scenario.go is built offline from Debian's Go sources in GOPATH mode
(GO111MODULE=off GOPATH=/usr/share/gocode: no module proxy, no network), once per run, with
its build cache under build/drivers/ so that later runs are quick.  It must print every
step's line and exit 0 against both servers.
"""

import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
GOPATH = "/usr/share/gocode"
STEPS = ["round trip ok", "dml ok", "batch ok", "pages ok", "transactions ok", "scenario ok"]


@pytest.fixture(scope="module")
def binary():
    if not shutil.which("go") or not os.path.isdir(os.path.join(GOPATH, "src/github.com/jackc/pgx/v4")):
        pytest.skip("needs golang-go and golang-github-jackc-pgx-v4-dev (scripts/install-deps.sh)")
    out_dir = os.path.join(ROOT, "build", "drivers")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, "pgx-scenario")
    env = dict(os.environ, GO111MODULE="off", GOPATH=GOPATH, GOFLAGS="", GOPROXY="off",
               GOCACHE=os.path.join(out_dir, "gocache"))
    r = subprocess.run(["go", "build", "-o", out, "scenario.go"], cwd=os.path.join(HERE, "go"), env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return out


def test_pgx_scenario(target, binary):
    url = f"postgres://{target.user}@{target.host}:{target.port}/{target.dbname}"
    r = subprocess.run([binary, url], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines() == STEPS, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
