"""A PostgreSQL server for the tests: the one $SITREP_TEST_POSTGRES names (a URL of a role that may
create databases; `.ci/postgres.sh` starts one and prints it), or else a throwaway server started
from the installed binaries in a temporary folder and stopped at the end of the session.

The throwaway server runs as the `postgres` user when the tests run as root, listens on 127.0.0.1
only, on a free port, with its unix socket in its own folder and a random password. Without
PostgreSQL's binaries the PostgreSQL tests are skipped, except in CI ($CI set), where they fail.
Each test module gets a fresh database, dropped afterwards; `fresh_schema` isolates each test.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

ENV = "SITREP_TEST_POSTGRES"
OS_USER = "postgres"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL role that may create databases."""
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    binaries = find_binaries()
    if binaries is None:
        missing = f"no PostgreSQL binaries (initdb, pg_ctl) were found and ${ENV} is not set"
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; in CI run: eval \"$(.ci/postgres.sh)\"")
        pytest.skip(f"{missing}; install PostgreSQL (apt-get install postgresql) or set ${ENV}")
    with throwaway_server(binaries) as url:
        yield url


@pytest.fixture(scope="module")
def postgres_database(postgres_server: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the module's tests."""
    with fresh_database(postgres_server) as url:
        yield url


def find_binaries() -> Path | None:
    """The folder of the newest installed PostgreSQL's initdb and pg_ctl (Debian's layout first)."""
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: _version(p.parts[-3]))
    on_path = shutil.which("initdb")
    initdb = debian[-1] if debian else Path(on_path) if on_path else None
    return initdb.parent if initdb and (initdb.parent / "pg_ctl").exists() else None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def throwaway_server(binaries: Path) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="sitrep-pg-"))
    try:
        as_owner = hand_over(folder)
        password, port, data = secrets.token_hex(16), free_port(), folder / "data"
        password_file = folder / "password"
        password_file.write_text(password + "\n")
        _chown_like(password_file, folder)
        run([*as_owner, str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale",
             "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={password_file}"])
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} -c fsync=off"
        run([*as_owner, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
             "-o", options, "start"], log=folder / "server.log")
        try:
            yield f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres"
        finally:
            run([*as_owner, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def hand_over(folder: Path) -> list[str]:
    """The command prefix that runs the server's programs: as `postgres`, owning the folder, when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        owner = pwd.getpwnam(OS_USER)
    except KeyError:
        pytest.fail(f"running as root, but there is no {OS_USER!r} user to run PostgreSQL as; "
                    f"create it (useradd {OS_USER}) or set ${ENV}")
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    return ["runuser", "-u", OS_USER, "--"]


def _chown_like(path: Path, folder: Path) -> None:
    if os.geteuid() == 0:
        stat = folder.stat()
        os.chown(path, stat.st_uid, stat.st_gid)
    path.chmod(0o600)


def run(command: list[str], log: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        server_log = log.read_text() if log and log.exists() else ""
        pytest.fail(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}{server_log}")


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    name = f"sitrep_test_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def fresh_schema(database_url: str) -> str:
    """The database's URL with a new, empty schema as its search path: one test's own store."""
    name = f"t_{secrets.token_hex(4)}"
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    parts = urlsplit(database_url)
    query = "&".join(p for p in (parts.query, f"options=-csearch_path%3D{name}") if p)
    return urlunsplit(parts._replace(query=query))
