"""Server processes for tests: iris-pgwire under test, and a real PostgreSQL 15 as oracle.

Job: start a server on a free 127.0.0.1 port with a fresh data directory and a private Unix
socket directory, wait until it says it accepts connections, and stop it again.

Invariants:
- A server listens only on 127.0.0.1 and on a socket in its own temporary directory.
- A server is stopped by its PID (SIGTERM, then SIGKILL after a grace period), never by
  name; the PID is always that of the server process itself (no shell, no su in between).
- The server's stderr goes to a file (never a pipe that could fill up and block it);
  `log()` returns it, and every failure message carries its tail.

Used by: tests/integration/conftest.py (fixtures) and tests/wire/run.py (command line).
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

READY_LINE = "database system is ready to accept connections"
PG_BINDIR = os.environ.get("PG_ORACLE_BINDIR", "/usr/lib/postgresql/15/bin")


def _stat_fields(pid):
    """The fields of /proc/PID/stat after the command name (state, ppid, ...), or None once the
    process is gone.  The name may hold spaces and parentheses: the fields follow the last ')'."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2:].split()


def _child_pids(parent):
    """PIDs whose parent is `parent`, from /proc."""
    children = []
    for entry in os.listdir("/proc"):
        fields = _stat_fields(entry) if entry.isdigit() else None
        if fields and len(fields) > 1 and fields[1] == str(parent):
            children.append(int(entry))
    return children


def _pid_alive(pid):
    """True while `pid` exists and is not a zombie."""
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] != "Z"


class ServerError(Exception):
    pass


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process with a data dir, a port on 127.0.0.1 and a private socket dir.

    Attributes: name ('pgwire' or 'oracle'), host, port, socket_dir, data_dir, user, dbname,
    proc (subprocess.Popen or None), settings (dict of values recorded after start).
    """

    name = "server"
    start_timeout = 30.0
    stop_grace = 10.0

    def __init__(self, base_dir, user, dbname="postgres", extra_settings=None):
        self.base_dir = base_dir
        self.data_dir = os.path.join(base_dir, "data")
        self.socket_dir = os.path.join(base_dir, "socket")
        self.log_path = os.path.join(base_dir, "server.log")
        self.host = "127.0.0.1"
        self.port = None
        self.user = user
        self.dbname = dbname
        self.extra_settings = dict(extra_settings or {})
        self.proc = None
        self.settings = {}
        self._log_offset = 0

    # -- what subclasses provide
    def command(self):
        raise NotImplementedError

    def popen_kwargs(self):
        return {}

    # -- life cycle
    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError(f"{self.name} already running (pid {self.proc.pid})")
        if self.port is None:
            self.port = free_port()
        with open(self.log_path, "ab") as log:
            self._log_offset = log.tell()
            self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, start_new_session=True,
                                         **self.popen_kwargs())
        self._wait_ready()
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if READY_LINE in self.log(since_start=True):
                return
            if self.proc.poll() is not None:
                raise ServerError(f"{self.name} exited with status {self.proc.returncode} "
                                  f"before it was ready; command: {self.command()}\n"
                                  f"--- its stderr ---\n{self.log_tail()}")
            time.sleep(0.02)
        pid = self.proc.pid
        self._signal_and_wait()
        raise ServerError(f"{self.name} (pid {pid}) did not print {READY_LINE!r} within "
                          f"{self.start_timeout}s; command: {self.command()}\n"
                          f"--- its stderr ---\n{self.log_tail()}")

    def _signal_and_wait(self, sig=signal.SIGTERM, grace=None):
        """Send `sig` to our own PID, wait, then SIGKILL after the grace period."""
        p = self.proc
        if p is None:
            return None
        if p.poll() is None:
            try:
                os.kill(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=self.stop_grace if grace is None else grace)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
        self.proc = None
        return p.returncode

    def stop(self):
        """SIGTERM, then SIGKILL after the grace period; returns the exit status."""
        return self._signal_and_wait(signal.SIGTERM)

    def kill9(self):
        """SIGKILL the server (a crash); the data directory is kept."""
        return self._signal_and_wait(signal.SIGKILL, grace=30)

    def restart(self):
        self.stop()
        return self.start()

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    # -- logs
    def log(self, since_start=False):
        """The server's stderr so far (all runs, or only since the last start)."""
        try:
            with open(self.log_path, "rb") as f:
                if since_start:
                    f.seek(self._log_offset)
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=40):
        return "\n".join(self.log().splitlines()[-lines:])

    # -- how to reach it
    @property
    def socket_path(self):
        return os.path.join(self.socket_dir, f".s.PGSQL.{self.port}")

    def dsn(self, dbname=None, **params):
        """A libpq connection string for TCP on 127.0.0.1."""
        parts = {"host": self.host, "port": self.port, "user": self.user,
                 "dbname": dbname or self.dbname, "connect_timeout": 10}
        parts.update(params)
        return " ".join(f"{k}={_quote(v)}" for k, v in parts.items())

    def unix_dsn(self, dbname=None, **params):
        return self.dsn(dbname, host=self.socket_dir, **params)

    def url(self, dbname=None):
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname or self.dbname}"

    def env(self):
        """Environment for a libpq tool (psql, pgbench) aimed at this server."""
        e = dict(os.environ)
        for k in list(e):
            if k.startswith("PG"):
                del e[k]
        e.update(PGHOST=self.host, PGPORT=str(self.port), PGUSER=self.user,
                 PGDATABASE=self.dbname, PGCONNECT_TIMEOUT="10")
        return e

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def __repr__(self):
        return f"<{self.name} pid={self.pid} 127.0.0.1:{self.port} data={self.data_dir}>"


def _quote(v):
    v = str(v)
    if v and all(ch not in v for ch in " '\\"):
        return v
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "ThreadSanitizer")


class PgwireServer(Server):
    """iris-pgwire from $PGWIRE_BIN (or the given path)."""

    name = "pgwire"

    def cleanup(self):
        """Stop, and fail loudly if a sanitizer build reported anything (the report is kept
        in the temporary directory, whose path the error names)."""
        self.stop()
        log = self.log()
        if any(mark in log for mark in SANITIZER_MARKS):
            keep = self.base_dir + ".sanitizer.log"
            with open(keep, "w") as f:
                f.write(log)
            shutil.rmtree(self.base_dir, ignore_errors=True)
            raise ServerError(f"iris-pgwire reported a sanitizer error; full log in {keep}:\n"
                              + "\n".join(l for l in log.splitlines()
                                          if any(m in l for m in SANITIZER_MARKS))[:4000])
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def __init__(self, binary, base_dir=None, user="postgres", dbname="postgres",
                 extra_settings=None):
        base_dir = base_dir or tempfile.mkdtemp(prefix="pgharness-pgwire-")
        super().__init__(base_dir, user, dbname, extra_settings)
        self.binary = binary
        os.makedirs(self.data_dir, exist_ok=True)
        os.makedirs(self.socket_dir, exist_ok=True)
        self.start_timeout = float(os.environ.get("PGWIRE_START_TIMEOUT", "30"))

    def command(self):
        cmd = [self.binary, "-D", self.data_dir, "-p", str(self.port), "-h", self.host,
               "-k", self.socket_dir]
        for k, v in self.extra_settings.items():
            cmd += ["-c", f"{k}={v}"]
        return cmd


class PgOracle(Server):
    """A real PostgreSQL 15: initdb (trust auth, superuser 'postgres') and postgres.

    As root, the cluster belongs to the `postgres` system user: initdb runs through
    runuser, postgres itself is started with that uid directly so that our PID is its PID.
    """

    name = "oracle"

    def __init__(self, base_dir=None, extra_settings=None, bindir=PG_BINDIR):
        base_dir = base_dir or tempfile.mkdtemp(prefix="pgharness-oracle-")
        super().__init__(base_dir, "postgres", "postgres", extra_settings)
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        os.makedirs(self.socket_dir, exist_ok=True)
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            self._uid, self._gid = pw.pw_uid, pw.pw_gid
            os.chmod(self.base_dir, 0o755)   # mkdtemp makes it 0700
            for d in (self.base_dir, self.socket_dir):
                os.chown(d, self._uid, self._gid)
        self.initdb()

    def kill9(self):
        """SIGKILL the postmaster and its backends, and wait until they are gone.

        A backend outlives its postmaster for a moment and keeps the shared memory segment
        attached; a start in that moment fails with 'pre-existing shared memory block is
        still in use'.  The children are found by PID before the kill (they are reparented
        after it) and killed by PID."""
        children = _child_pids(self.proc.pid) if self.running() else []
        status = super().kill9()
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while any(_pid_alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        return status

    def _tool(self, name):
        return os.path.join(self.bindir, name)

    def initdb(self):
        cmd = [self._tool("initdb"), "-D", self.data_dir, "-U", "postgres", "-A", "trust",
               "-E", "UTF8", "--locale=C.UTF-8", "-N"]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           cwd=self.base_dir)
        if r.returncode != 0:
            raise ServerError(f"initdb failed ({r.returncode}): {' '.join(cmd)}\n"
                              f"{r.stdout}\n{r.stderr}")
        # Record what initdb chose (left as is: the oracle must behave like a fresh install).
        conf = open(os.path.join(self.data_dir, "postgresql.conf")).read()
        for line in conf.splitlines():
            key, sep, val = line.partition("=")
            key = key.strip()
            if sep and not key.startswith("#") and key in (
                    "timezone", "log_timezone", "datestyle", "lc_messages", "lc_monetary",
                    "lc_numeric", "lc_time", "default_text_search_config"):
                self.settings[key] = val.split("#")[0].strip().strip("'")

    def popen_kwargs(self):
        kw = {"cwd": self.base_dir}
        if self.as_root:
            kw.update(user=self._uid, group=self._gid, extra_groups=[])
            env = dict(os.environ, HOME=self.base_dir, USER="postgres", LOGNAME="postgres")
            kw["env"] = env
        return kw

    def command(self):
        settings = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                    "listen_addresses": "127.0.0.1", "unix_socket_directories": self.socket_dir,
                    "logging_collector": "off", "log_destination": "stderr",
                    "max_connections": "100", "shared_buffers": "32MB"}
        settings.update(self.extra_settings)
        cmd = [self._tool("postgres"), "-D", self.data_dir, "-p", str(self.port)]
        for k, v in settings.items():
            cmd += ["-c", f"{k}={v}"]
        return cmd

    def start(self):
        if self.as_root and not os.path.exists(self.log_path):
            open(self.log_path, "ab").close()
        super().start()
        return self

    def psql_tool(self):
        return self._tool("psql")
