"""A throw-away PostgreSQL server for tests: initdb in a temp folder, Unix socket only, stopped after.

Uses the machine's PostgreSQL binaries (Debian's `postgresql` package); tests that need it skip
with a reason when they are missing. As root, the server runs as the `postgres` user (it refuses root).
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path


def find_bin() -> Path | None:
    for pattern in ("/usr/lib/postgresql/*/bin",):
        for candidate in sorted(glob.glob(pattern), reverse=True):
            if Path(candidate, "initdb").exists():
                return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def temporary_postgres(folder: Path):
    """Yield a SQLAlchemy URL of a fresh PostgreSQL server living in `folder`."""
    bin_dir = find_bin()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb) not found")
    data = folder / "pgdata"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    run = lambda *args: subprocess.run(_as_server_user([str(a) for a in args]), check=True,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    run(bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
    run(bin_dir / "pg_ctl", "-D", data, "-w", "-l", folder / "server.log", "-o",
        f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off", "start")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    finally:
        run(bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
