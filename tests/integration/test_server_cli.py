"""The command line, configuration file, environment and reload (issue 2, item 1).

Precedence is the file, then PGWIRE_* environment variables, then flags; settings a session
knows become every session's defaults; SIGHUP rereads the file; one data directory, one
server.
"""

import os
import signal
import subprocess
import time

import psycopg
import pytest

from pgharness import clients, servers


def run_bin(pgwire_bin, *args, env=None, timeout=10):
    return subprocess.run([pgwire_bin, *args], capture_output=True, text=True, timeout=timeout,
                          env=env if env is not None else os.environ.copy())


def test_help_and_version(pgwire_bin):
    out = run_bin(pgwire_bin, "--help")
    assert out.returncode == 0
    for flag in ("-D DATADIR", "-p PORT", "-h HOSTNAME", "-k DIRECTORY", "-c NAME=VALUE"):
        assert flag in out.stdout
    out = run_bin(pgwire_bin, "--version")
    assert out.returncode == 0
    assert out.stdout.startswith("iris-pgwire ") and "PostgreSQL 15." in out.stdout
    assert run_bin(pgwire_bin, "-V").stdout == out.stdout


def test_bad_arguments_are_refused(pgwire_bin, tmp_path):
    out = run_bin(pgwire_bin, "-D", str(tmp_path), "--no-such-setting=1")
    assert out.returncode != 0
    assert 'unrecognized configuration parameter "no_such_setting"' in out.stderr
    out = run_bin(pgwire_bin, "-D", str(tmp_path), "-p", "notaport")
    assert out.returncode != 0
    assert 'invalid value for parameter "port"' in out.stderr
    # Checked at startup whichever backend is chosen: a typo must not wait for the first
    # CREATE TABLE on IRIS to surface.
    out = run_bin(pgwire_bin, "-D", str(tmp_path), "-c", "iris_vector_type=float16")
    assert out.returncode != 0
    assert 'invalid value for parameter "iris_vector_type": "float16"' in out.stderr
    out = run_bin(pgwire_bin, "-D", str(tmp_path), "-c", "iris_version=2017.1")
    assert out.returncode != 0
    assert 'invalid value for parameter "iris_version"' in out.stderr


def start_with(pgwire_bin, tmp_path, config=None, env_extra=None, args=()):
    """A server whose file, environment and flags we control; returns (server, port)."""
    server = servers.PgwireServer(pgwire_bin, base_dir=str(tmp_path / "srv"))
    if config is not None:
        with open(os.path.join(server.data_dir, "iris-pgwire.conf"), "w") as f:
            f.write(config)
    server.port = servers.free_port()
    env = os.environ.copy()
    env.update(env_extra or {})
    cmd = [pgwire_bin, "-D", server.data_dir, "-h", "127.0.0.1", "-k", server.socket_dir, *args]
    log = open(server.log_path, "ab")
    server.proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=env)
    server._log_offset = 0
    deadline = time.monotonic() + 20
    while servers.READY_LINE not in server.log():
        if server.proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError("server did not start:\n" + server.log())
        time.sleep(0.02)
    return server


def port_in_log(server):
    for line in server.log().splitlines():
        if 'listening on "127.0.0.1", port ' in line:
            return int(line.rsplit(" ", 1)[1])
    raise AssertionError(server.log())


def test_file_environment_and_flag_precedence(pgwire_bin, tmp_path):
    p_file, p_env, p_flag = servers.free_port(), servers.free_port(), servers.free_port()
    # file only
    s = start_with(pgwire_bin, tmp_path / "a", config=f"# comment\n[server]\nport = {p_file}\nstatement_timeout = '2s'\n")
    try:
        assert port_in_log(s) == p_file
        s.port = p_file
        with clients.connect(s) as c:
            assert c.execute("show statement_timeout").fetchone() == ("2s",)
    finally:
        s.stop()
    # environment beats the file
    s = start_with(pgwire_bin, tmp_path / "b", config=f"port = {p_file}\n", env_extra={"PGWIRE_PORT": str(p_env)})
    try:
        assert port_in_log(s) == p_env
    finally:
        s.stop()
    # the flag beats both
    s = start_with(pgwire_bin, tmp_path / "c", config=f"port = {p_file}\n", env_extra={"PGWIRE_PORT": str(p_env)},
                   args=("-p", str(p_flag), "-c", "DateStyle=German"))
    try:
        assert port_in_log(s) == p_flag
        s.port = p_flag
        with clients.connect(s) as c:
            assert c.execute("show DateStyle").fetchone() == ("German, DMY",)
    finally:
        s.stop()


def test_sighup_rereads_the_file(pgwire_bin, tmp_path):
    port = servers.free_port()
    s = start_with(pgwire_bin, tmp_path, config=f"port = {port}\n", args=())
    s.port = port
    try:
        with clients.connect(s) as c:
            c.execute("select 'before reload'")
        assert "statement: select 'before reload'" not in s.log()
        with open(os.path.join(s.data_dir, "iris-pgwire.conf"), "a") as f:
            f.write("log_statement = 'all'\nstatement_timeout = '3min'\n")
        os.kill(s.proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "reloading configuration files" not in s.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        with clients.connect(s) as c:
            c.execute("select 'after reload'")
            assert c.execute("show statement_timeout").fetchone() == ("3min",)
        time.sleep(0.2)
        assert "statement: select 'after reload'" in s.log()
    finally:
        s.stop()


def test_one_server_per_data_directory(pgwire_server, pgwire_bin):
    out = run_bin(pgwire_bin, "-D", pgwire_server.data_dir, "-p", str(servers.free_port()), "-k", "",
                  timeout=20)
    assert out.returncode != 0
    assert "is held by another server" in out.stderr


def test_defaults_listen_on_localhost_only(pgwire_server):
    # The fixture passes -h 127.0.0.1 itself; check the built-in default instead.
    out = subprocess.run([pgwire_server.binary, "--help"], capture_output=True, text=True)
    assert "default 127.0.0.1" in out.stdout


def test_unix_socket_and_lock_file(pgwire_server):
    assert os.path.exists(pgwire_server.socket_path)
    assert os.path.exists(pgwire_server.socket_path + ".lock")
    with clients.connect(pgwire_server, unix=True) as c:
        assert c.execute("select 1").fetchone() == (1,)


def test_statement_logging_is_off_by_default(pgwire_server_fn):
    with clients.connect(pgwire_server_fn) as c:
        c.execute("select 'not logged'")
    time.sleep(0.1)
    assert "not logged" not in pgwire_server_fn.log()


def test_log_file_setting(pgwire_bin, tmp_path):
    path = tmp_path / "server.log"
    port = servers.free_port()
    data = tmp_path / "data"
    proc = subprocess.Popen([pgwire_bin, "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", "",
                             "-c", f"log_file={path}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while not (path.exists() and servers.READY_LINE in path.read_text()):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as c:
            with pytest.raises(psycopg.Error):
                c.execute("select * from logfile_missing")
        time.sleep(0.2)
        text = path.read_text()
        assert 'ERROR:  42P01: relation "logfile_missing" does not exist' in text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
