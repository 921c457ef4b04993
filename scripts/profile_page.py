"""How long each public page takes to build with an empty cache, in-process, against an existing database.

    DATABASE_URL=sqlite:////tmp/x/db.sqlite3 .venv/bin/python scripts/profile_page.py [--runs 20] [PAGE…]
    … scripts/profile_page.py --sql liste            # and the three slowest queries of each page
    … scripts/profile_page.py --profile accueil      # cProfile of one build, heaviest calls first
    … scripts/profile_page.py --instructions         # instructions per build, counted by valgrind

PAGE is a name of scripts/bench.py's PAGES (all of them by default). The site runs in production settings
(normandy_ep.settings.base, DEBUG off, a throwaway secret key) through Django's test client: middleware,
view and templates, no HTTP. Before each build the whole default cache is cleared, the page cache with it:
what a visitor waits for after an edit. Each page is built twice untimed (templates compiled, connection
open), then --runs times: the minimum and the median of the wall-clock time (perf_counter) and of the CPU
time of this process (process_time). One more build counts the SQL queries and the time their execution
took (the first rows only: SQLite computes the others while Django fetches them). With a PostgreSQL server
on this machine, the CPU time its process spent on the builds is read from /proc (a mean: it counts in ticks
of 10 ms); that and this process's CPU time add up to the build's work, whatever else the machine does.

On a machine busy with other work, times vary from one run to the next; minimums and CPU times vary less.
--instructions counts what this process executes instead (valgrind's callgrind, started only around the
builds; needs valgrind and a C compiler): the same from run to run within a fraction of a percent. For SQLite
the database's own work is in this process and counted; PostgreSQL's runs in the server, and is not.

--static-root names static files already collected by production's storage (hashed names from its manifest,
as scripts/bench.py has); without it, those of the apps' folders are used. Build a database first, e.g.
`Site(folder, url).prepare(10_000)` of scripts/harness.py, or `manage.py generate_demo_data --schools 10000
--yes-default-database` with DATABASE_URL naming a throwaway database.
"""

import argparse
import cProfile
import ctypes
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import PAGES

HOST = "127.0.0.1"
WARM_BUILDS = 2
# Set in the environment of the copy of this script that runs under valgrind: where callgrind writes.
CALLGRIND_FOLDER = "PROFILE_PAGE_CALLGRIND"
# Callgrind's client requests, callable from Python once compiled: count only between start and stop.
CALLGRIND_HELPER = """\
#include <valgrind/callgrind.h>
void start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; CALLGRIND_TOGGLE_COLLECT; }
void stop(void) { CALLGRIND_TOGGLE_COLLECT; CALLGRIND_DUMP_STATS; CALLGRIND_STOP_INSTRUMENTATION; }
"""


def setup(static_root):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "normandy_ep.settings.base")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", HOST)
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.pop("DJANGO_CACHE_URL", None)  # a local-memory cache, cleared before each build
    if "DATABASE_URL" not in os.environ:
        sys.exit("DATABASE_URL doit nommer la base à mesurer (jamais la base de développement par défaut).")
    import django
    from django.conf import settings

    django.setup()
    if static_root:
        settings.STATIC_ROOT = static_root
    else:
        static_files = "django.contrib.staticfiles.storage.StaticFilesStorage"
        settings.STORAGES["staticfiles"] = {"BACKEND": static_files}
        warnings.filterwarnings("ignore", "No directory at", UserWarning)  # WhiteNoise's, about STATIC_ROOT


def cold_get(client, path):
    from django.core.cache import cache

    cache.clear()
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path} répond {response.status_code}.")
    return response


def server_cpu_seconds(connection):
    """CPU time used so far by the PostgreSQL server process serving `connection`, when it runs on this
    machine (read from /proc; None otherwise). Counted in ticks of 10 ms: meaningful over many builds."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(client, path, runs):
    from django.db import connection

    wall, cpu = [], []
    server_before = server_cpu_seconds(connection)
    for _ in range(runs):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        cold_get(client, path)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    server_after = server_cpu_seconds(connection)
    timed = []  # (seconds, sql): Django's own query log rounds each time to the millisecond

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timer):
        cold_get(client, path)
    return {
        "wall_min": min(wall) * 1000,
        "wall_median": statistics.median(wall) * 1000,
        "cpu_min": min(cpu) * 1000,
        "cpu_median": statistics.median(cpu) * 1000,
        "queries": len(timed),
        "sql_ms": sum(seconds for seconds, _ in timed) * 1000,
        "server_cpu_mean": None if server_after is None else (server_after - server_before) / runs * 1000,
        "slowest": sorted(timed, reverse=True)[:3],
    }


def count_instructions(args):
    """Run this script again under callgrind; print the instructions of one build of each page."""
    with tempfile.TemporaryDirectory(prefix="profile-page.") as folder:
        helper = Path(folder) / "callgrind_helper.so"
        subprocess.run(
            ["cc", "-shared", "-fPIC", "-O2", "-o", helper, "-x", "c", "-"],
            input=CALLGRIND_HELPER,
            text=True,
            check=True,
        )
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--collect-atstart=no",
            f"--callgrind-out-file={folder}/callgrind.out",
            sys.executable,
            __file__,
            *sys.argv[1:],
        ]
        env = {**os.environ, CALLGRIND_FOLDER: folder}
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode:
            sys.exit(f"valgrind a échoué :\n{result.stdout}{result.stderr[-3000:]}")
        print(result.stdout, end="")
        # One dump per page, numbered in the order the pages were built.
        dumps = sorted(Path(folder).glob("callgrind.out.*"), key=lambda path: int(path.suffix[1:]))
        names = args.pages or [name for name, _ in PAGES]
        print(f"{'page':<13} {'M instructions par construction':>32}  (valgrind, moyenne de {args.runs})")
        for name, dump in zip(names, dumps, strict=True):
            totals = next(line for line in dump.read_text().splitlines() if line.startswith("totals:"))
            print(f"{name:<13} {int(totals.split()[1]) / args.runs / 1e6:>32.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="Noms de pages de scripts/bench.py (toutes par défaut).")
    parser.add_argument("--runs", type=int, default=20, help="Constructions mesurées par page.")
    parser.add_argument("--profile", action="store_true", help="cProfile d'une construction par page.")
    parser.add_argument("--sql", action="store_true", help="Afficher les trois requêtes les plus lentes.")
    parser.add_argument("--instructions", action="store_true", help="Compter les instructions (valgrind).")
    parser.add_argument("--static-root", help="Fichiers statiques collectés (sinon ceux des applications).")
    args = parser.parse_args()
    callgrind_folder = os.environ.get(CALLGRIND_FOLDER)
    if args.instructions and not callgrind_folder:
        return count_instructions(args)
    setup(args.static_root)
    from django.db import connection
    from django.test import Client

    from schools.models import School

    known = dict(PAGES)
    names = args.pages or list(known)
    client = Client(HTTP_HOST=HOST)
    print(f"{connection.vendor}, {School.objects.count()} écoles, {args.runs} constructions par page")
    if callgrind_folder:
        helper = ctypes.CDLL(str(Path(callgrind_folder) / "callgrind_helper.so"))
    else:
        header = ("page", "min ms", "méd ms", "CPU min", "CPU méd", "SQL", "SQL ms")
        server = " CPU PG moy" if server_cpu_seconds(connection) is not None else ""
        print("{:<13} {:>7} {:>7} {:>8} {:>8} {:>4} {:>7}".format(*header) + server)
    for name in names:
        path = known[name]
        for _ in range(WARM_BUILDS):
            cold_get(client, path)
        if callgrind_folder:
            helper.start()
            for _ in range(args.runs):
                cold_get(client, path)
            helper.stop()
            continue
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            cold_get(client, path)
            profiler.disable()
            print(f"\n--- {name} {path}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            continue
        r = measure(client, path, args.runs)
        server = "" if r["server_cpu_mean"] is None else f" {r['server_cpu_mean']:>10.1f}"
        print(
            f"{name:<13} {r['wall_min']:>7.1f} {r['wall_median']:>7.1f} {r['cpu_min']:>8.1f} "
            f"{r['cpu_median']:>8.1f} {r['queries']:>4} {r['sql_ms']:>7.1f}{server}"
        )
        if args.sql:
            for seconds, sql in r["slowest"]:
                print(f"    {seconds * 1000:6.1f} ms  {sql[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
