"""node-postgres (npm `pg` and `pg-cursor`, installed by scripts/install-deps.sh into
tests/integration/drivers/node) against PostgreSQL 15 and iris-pgwire: node/scenario.js
must print every step's line and exit 0 on both."""

import os
import shutil
import subprocess

import pytest

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")
STEPS = ["round trip ok", "dml ok", "queued with error ok", "pages ok", "transactions ok", "scenario ok"]


def test_node_pg_scenario(target):
    if not shutil.which("node"):
        pytest.skip("needs nodejs (scripts/install-deps.sh)")
    if not os.path.isdir(os.path.join(HERE, "node_modules", "pg")):
        pytest.skip("npm packages missing: run scripts/install-deps.sh (npm ci in tests/integration/drivers/node)")
    url = f"postgresql://{target.user}@{target.host}:{target.port}/{target.dbname}"
    r = subprocess.run(["node", "scenario.js", url], cwd=HERE, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines() == STEPS, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
