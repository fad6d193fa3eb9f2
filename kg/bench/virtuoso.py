"""A throw-away Virtuoso for the benchmark: own folder, free loopback ports, bulk loader.

`start(folder, data_dir=...)` writes a virtuoso.ini into `folder`, starts
`/usr/bin/virtuoso-t +foreground` (the Debian package `virtuoso-opensource`, which
`make bench` installs when missing), waits until its SPARQL endpoint answers, and returns a
handle; `load_nquads` runs Virtuoso's bulk loader (`ld_dir` + `rdf_loader_run`) on a dump
inside `data_dir`; `stop()` kills the process this module started, by its id. The tests'
own launcher lives in tests/virtuoso.py, which the installed package cannot import.
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
DisableTcpSocket         = 0
MaxClientConnections     = 40
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {d}, {data}
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}
ThreadsPerQuery          = 2
MaxQueryMem              = 2G

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {d}/vsp
MaxClientConnections        = 40
ServerThreads               = 40
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
KeepAliveTimeout            = 10
Charset                     = UTF-8
EnabledGzipContent          = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 60
MaxSortedTopRows           = 1000000
DeferInferenceRulesInit    = 1
"""


@dataclass
class Virtuoso:
    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def isql(self, sql: str, *, timeout: float = 3600) -> str:
        r = subprocess.run([ISQL, str(self.sql_port), "dba", "dba", f"exec={sql}"],
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0 or "*** Error" in r.stdout + r.stderr:
            raise RuntimeError(f"isql failed: {sql}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        return r.stdout

    def load_nquads(self, dump: Path) -> None:
        """Bulk-load one N-Quads file (each quad into its own graph) and checkpoint."""
        self.isql(f"ld_dir('{dump.parent}', '{dump.name}', 'urn:kg:bench:default')")
        self.isql("rdf_loader_run()")
        self.isql("checkpoint")
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.load_list "
                           "WHERE ll_error IS NOT NULL")
        if dump.name in errors:
            raise RuntimeError(f"virtuoso could not load {dump}: {errors[-2000:]}")

    def rss_pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def available() -> bool:
    return Path(VIRTUOSO).exists() and Path(ISQL).exists()


def start(folder: Path, *, data_dir: Path, memory_gb: float = 4, timeout: float = 120
          ) -> Virtuoso:
    """Start Virtuoso with its database in `folder`, allowed to read files in `data_dir`."""
    if not available():
        raise RuntimeError(f"{VIRTUOSO} is missing (Debian package virtuoso-opensource; "
                           "`make bench` installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    buffers = int(memory_gb * 85000)   # Virtuoso's own rule: 85,000 buffers a GB
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(d=folder, data=data_dir, sql_port=sql_port, http_port=http_port,
                              buffers=buffers, dirty=buffers * 3 // 4))
    out = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=folder,
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    v = Virtuoso(folder, sql_port, http_port, proc)
    deadline = time.monotonic() + timeout
    url = v.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        if proc.poll() is not None:
            log = (folder / "virtuoso.log")
            raise RuntimeError(f"virtuoso exited with {proc.returncode}: "
                               f"{log.read_text(errors='replace')[-2000:] if log.exists() else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return v
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            v.stop()
            raise RuntimeError(f"virtuoso did not answer at {v.sparql_url} within {timeout}s")
        time.sleep(0.3)


def remove(v: Virtuoso) -> None:
    v.stop()
    shutil.rmtree(v.folder, ignore_errors=True)
