"""Start a real Virtuoso for the tests: own database folder, free loopback ports, then stop it.

Nothing is installed or started by hand: `make test` installs the Debian package
`virtuoso-opensource` when missing (the Makefile's `system-deps`), and this module starts
`virtuoso-t` in the foreground with a virtuoso.ini written into a temporary folder, waits
until both its SQL and its HTTP ports answer, grants SPARQL Update to the anonymous
`SPARQL` user through `isql-vt`, and kills the server afterwards.

Run `python tests/virtuoso.py` to start one by hand for a look (Ctrl-C stops it).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
VAD = "/usr/share/virtuoso-opensource-7/vad"

INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
DefaultIsolation         = 4
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {d}, {vad}
VADInstallDir            = {vad}/
NumberOfBuffers          = 170000
MaxDirtyBuffers          = 130000
ThreadsPerQuery          = 2
MaxQueryMem              = 1G

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {d}/vsp
MaxClientConnections        = 20
ServerThreads               = 20
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 120
MaxSortedTopRows           = 1000000
DeferInferenceRulesInit    = 1
"""


@dataclass
class Virtuoso:
    """A running Virtuoso: its SPARQL URL, its ports and its folder."""

    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def store_location(self) -> str:
        """The KG_STORE value that points the service at this server."""
        return f"sparql+{self.sparql_url}"

    def isql(self, sql: str, *, timeout: float = 60) -> str:
        """Run SQL through isql-vt as dba; raise when it fails."""
        r = subprocess.run([ISQL, str(self.sql_port), "dba", "dba", f"exec={sql}"],
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0 or "*** Error" in r.stdout + r.stderr:
            raise RuntimeError(f"isql failed: {sql}\n{r.stdout}\n{r.stderr}")
        return r.stdout

    def log(self) -> str:
        p = self.folder / "virtuoso.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def stop(self) -> None:
        """Stop the server (the process this module started, by its id)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def available() -> bool:
    return Path(VIRTUOSO).exists() and Path(ISQL).exists()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path, *, timeout: float = 120) -> Virtuoso:
    """Start Virtuoso with its database in `folder`; return once SPARQL Update works."""
    if not available():
        raise RuntimeError(f"{VIRTUOSO} is missing: run `make system-deps` "
                           "(Debian package virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(d=folder, sql_port=sql_port, http_port=http_port, vad=VAD))
    out = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=folder,
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    v = Virtuoso(folder, sql_port, http_port, proc)
    try:
        _wait_ready(v, timeout)
        v.isql('GRANT SPARQL_UPDATE TO "SPARQL"')
        v.isql("GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO \"SPARQL\"")
        v.isql("GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO \"SPARQL\"")
    except BaseException:
        v.stop()
        raise
    return v


def _wait_ready(v: Virtuoso, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = v.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    last = ""
    while time.monotonic() < deadline:
        if v.process.poll() is not None:
            raise RuntimeError(f"virtuoso exited with {v.process.returncode}:\n{v.log()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError) as e:
            last = str(e)
        time.sleep(0.3)
    raise RuntimeError(f"virtuoso did not answer at {v.sparql_url} within {timeout}s ({last})"
                       f"\n{v.log()[-3000:]}")


def remove(v: Virtuoso) -> None:
    v.stop()
    shutil.rmtree(v.folder, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover - a manual look
    import tempfile

    server = start(Path(tempfile.mkdtemp(prefix="kg-virtuoso-")))
    print(f"Virtuoso at {server.sparql_url} (isql port {server.sql_port}); Ctrl-C stops it")
    try:
        server.process.wait()
    except KeyboardInterrupt:
        remove(server)
