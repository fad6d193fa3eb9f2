"""A throw-away Virtuoso: own database folder, free loopback ports, stopped by its id.

The one launcher of the store tests (tests/store/conftest.py) and of `kg bench`. Nothing
is installed or started by hand: `make test` and `make bench` install the Debian package
`virtuoso-opensource` when missing, and `start(folder, ...)` writes a virtuoso.ini into
`folder`, starts `/usr/bin/virtuoso-t +foreground`, waits until its SPARQL endpoint
answers, and returns a handle. The options say what each user needs:

- the tests: `isolation=4` (repeatable read, so readers never see half a replaced graph;
  see docs/store.md) and `grant_update=True` (SPARQL Update for the anonymous `SPARQL`
  user, granted through `isql-vt`);
- the benchmark: `data_dir=` (a folder the bulk loader may read, for `load_nquads`), more
  memory and connections, and a shorter query time limit.

`remove(v)` kills the process this module started and deletes its folder.
Run `python -m kg.virtuoso` to start one by hand for a look (Ctrl-C stops it).
"""
from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kg.bench.machine import free_port

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
VAD = "/usr/share/virtuoso-opensource-7/vad"
BUFFERS_PER_GB = 85_000   # Virtuoso's own sizing rule for NumberOfBuffers

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
{isolation}DisableTcpSocket         = 0
MaxClientConnections     = {connections}
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = {dirs}
VADInstallDir            = {vad}/
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}
ThreadsPerQuery          = 2
MaxQueryMem              = {query_mem}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {d}/vsp
MaxClientConnections        = {connections}
ServerThreads               = {connections}
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = {query_seconds}
MaxSortedTopRows           = 1000000
DeferInferenceRulesInit    = 1
"""


@dataclass
class Virtuoso:
    """A running Virtuoso: its SPARQL URL, its ports, its folder and its process."""

    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen[bytes]

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
            raise RuntimeError(f"isql failed: {sql}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        return r.stdout

    def load_nquads(self, dump: Path, *, timeout: float = 3600) -> None:
        """Bulk-load one N-Quads file (each quad into its own graph) and checkpoint.

        The file must lie in the `data_dir` the server was started with (DirsAllowed).
        """
        self.isql(f"ld_dir('{dump.parent}', '{dump.name}', 'urn:kg:bench:default')")
        self.isql("rdf_loader_run()", timeout=timeout)
        self.isql("checkpoint", timeout=timeout)
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list "
                           "WHERE ll_error IS NOT NULL")
        if dump.name in errors:
            raise RuntimeError(f"virtuoso could not load {dump}: {errors[-2000:]}")

    def grant_update(self) -> None:
        """Let the anonymous `SPARQL` user run SPARQL Update on /sparql."""
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL"')
        self.isql('GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL"')
        self.isql('GRANT EXECUTE ON DB.DBA.SPARQL_DELETE_DICT_CONTENT TO "SPARQL"')

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


def start(folder: Path, *, isolation: int | None = None, grant_update: bool = False,
          data_dir: Path | None = None, memory_gb: float = 2, connections: int = 20,
          query_seconds: int = 120, query_mem: str = "1G", timeout: float = 120) -> Virtuoso:
    """Start Virtuoso with its database in `folder`; return once its SPARQL endpoint answers.

    `isolation` sets `DefaultIsolation` (Virtuoso's default is 2, read committed);
    `grant_update` lets the anonymous user write; `data_dir` is a folder the server may
    read files from (the bulk loader's input); `memory_gb` sizes the buffer pool.
    """
    if not available():
        raise RuntimeError(f"{VIRTUOSO} is missing: run `make system-deps` "
                           "(Debian package virtuoso-opensource)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    buffers = int(memory_gb * BUFFERS_PER_GB)
    dirs = ", ".join([".", str(folder), VAD] + ([str(data_dir)] if data_dir else []))
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(
        d=folder, sql_port=sql_port, http_port=http_port, vad=VAD, dirs=dirs,
        isolation=f"DefaultIsolation         = {isolation}\n" if isolation else "",
        connections=connections, buffers=buffers, dirty=buffers * 3 // 4,
        query_mem=query_mem, query_seconds=query_seconds))
    with (folder / "stdout.log").open("wb") as out:
        proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)],
                                cwd=folder, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    v = Virtuoso(folder, sql_port, http_port, proc)
    try:
        _wait_ready(v, timeout)
        if grant_update:
            v.grant_update()
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
    """Stop the server and delete its folder."""
    v.stop()
    shutil.rmtree(v.folder, ignore_errors=True)


if __name__ == "__main__":  # pragma: no cover - a manual look
    import tempfile

    server = start(Path(tempfile.mkdtemp(prefix="kg-virtuoso-")), isolation=4,
                   grant_update=True)
    print(f"Virtuoso at {server.sparql_url} (isql port {server.sql_port}); Ctrl-C stops it")
    try:
        server.process.wait()
    except KeyboardInterrupt:
        remove(server)
