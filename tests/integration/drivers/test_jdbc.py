"""pgJDBC (libpostgresql-jdbc-java, default-jdk-headless) against PostgreSQL 15 and iris-pgwire.

jdbc/DriverScenario.java runs the driver scenario; here it is compiled once and run with
prepareThreshold 5 (the default: unnamed statements, then named ones with binary transfer
from the fifth execution), 1 (named from the first), 0 (never named) and -1 (named and
binary from the start).  Each run must finish with every step's line and exit 0.
"""

import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = "/usr/share/java/postgresql.jar"
STEPS = ["round trip ok", "dml ok", "batch ok", "generated keys ok", "pages ok", "transactions ok", "scenario ok"]


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    if not (shutil.which("javac") and shutil.which("java") and os.path.exists(JAR)):
        pytest.skip("needs default-jdk-headless and libpostgresql-jdbc-java (scripts/install-deps.sh)")
    out = tmp_path_factory.mktemp("jdbc")
    r = subprocess.run(["javac", "-d", str(out), "-cp", JAR, os.path.join(HERE, "jdbc", "DriverScenario.java")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return str(out)


@pytest.mark.parametrize("threshold", ["5", "1", "0", "-1"])
def test_jdbc_scenario(target, classes, threshold):
    url = f"jdbc:postgresql://{target.host}:{target.port}/{target.dbname}?user={target.user}"
    r = subprocess.run(["java", "-cp", f"{JAR}:{classes}", "DriverScenario", url, threshold],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines() == STEPS, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
