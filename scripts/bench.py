"""`make bench`: how fast each public page is served at 10 and at 10,000 schools, against two references in
the same gunicorn: the page's own bytes and headers returned by a bare WSGI callable (no Django at all: the
limit for a page served by Python), and the same bytes served as a static file by WhiteNoise. Prints figures;
asserts nothing.

For each size, on a throwaway database (an SQLite file; and a temporary database on the PostgreSQL server of
DATABASE_URL when it names one): migrate, load the directory, add demo schools up to the size, collect static
files into a temporary folder, save the HTML and headers of each page there (served at
/static/bench/<page>.html, and at /bare/<page> by the bare callable), start gunicorn (2 sync workers,
production settings) on a free loopback port, then for each page a warm-up and `wrk -t2 -c32 -d10s` on the
page and on each reference (the bare callable both before and after the page, its two runs taken together,
so that the machine's drift during the page's run weighs on both sides of the ratio). Queries per page are
counted with Django's test client against the same database, with an empty page cache then a full one, and
the time to build each page with an empty cache (minimum and median of 15 builds, in-process, no HTTP; the
target is on the median; beside it, the time a fixed piece of pure-Python work took meanwhile, the machine's
speed at that moment: see site_probe.py): wrk mostly measures cached pages. scripts/profile_page.py measures
the same builds on a database of one's own, with their CPU time, their queries and, under valgrind, their
instructions.

Targets, each printed OK or FAIL: at least 0.7 × the requests/s of the bare WSGI callable; p99 under 20 ms at
32 connections; a build with an empty cache under 20 ms; the same number of queries at both sizes; the median
latency at 10,000 schools at most 1.5 times the one at 10. wrk shares the machine's cores with gunicorn:
compare figures within one run, not across runs, and note the machine's load average (printed).

    .venv/bin/python scripts/bench.py [--sizes 10 10000] [--duration 10] [--warmup 2]
"""

import argparse
import os
import sys

from harness import (
    Site,
    database_on_server,
    free_port,
    is_postgres,
    require_wrk,
    say,
    sqlite_database,
    temporary_folder,
    write_wrk_script,
    wrk,
)

PAGES = [
    ("accueil", "/"),
    ("liste", "/ecoles/"),
    ("filtres", "/ecoles/?metier=usinage&departement=27"),
    ("pres-de-caen", "/ecoles/?pres_de=caen"),
    ("fiche-ecole", "/ecoles/usineure/"),  # a real school of fixtures/: the same page at every size
]
CONNECTIONS = 32
MIN_BARE_RATIO = 0.7
MAX_P99_MS = 20
MAX_BUILD_MS = 20
MAX_LATENCY_GROWTH = 1.5


def measure_size(database, size, args):
    """Figures of every page at one size: {page name: {...}}."""
    say(f"\n== {database['label']}, {size} écoles")
    with temporary_folder("ep-bench.") as folder, database["open"](folder) as database_url:
        site = Site(folder, database_url)
        site.prepare(size)
        port = free_port()
        # Saved before gunicorn starts: WhiteNoise lists the static files once, at start-up.
        probe = site.probe(
            "pages",
            site.static_root / "bench",
            f"127.0.0.1:{port}",
            *(f"{name}={path}" for name, path in PAGES),
        )
        for page in probe.values():
            if page["status"] != 200:
                raise SystemExit(f"{page['path']} répond {page['status']} au lieu de 200 : banc arrêté.")
        site.serve_bare_pages(site.static_root / "bench")
        script = write_wrk_script(folder / "report.lua")
        results = {}
        with site.gunicorn(port):
            for name, path in PAGES:
                page_url = f"http://127.0.0.1:{port}{path}"
                bare_url = f"http://127.0.0.1:{port}/bare/{name}"
                static_url = f"http://127.0.0.1:{port}/static/bench/{name}.html"
                # The bare callable is measured before and after the page, and the two runs taken together:
                # a machine that slows down or speeds up during the page's run weighs on both sides alike.
                figures = {}
                for kind, url in [
                    ("bare", bare_url),
                    ("page", page_url),
                    ("bare_after", bare_url),
                    ("static", static_url),
                ]:
                    wrk(url, duration=args.warmup, connections=CONNECTIONS, script=script)  # warm-up
                    figures[kind] = wrk(url, duration=args.duration, connections=CONNECTIONS, script=script)
                before, after = figures["bare"]["rps"], figures["bare_after"]["rps"]
                figures["bare"] = together(figures["bare"], figures.pop("bare_after"))
                results[name] = {**probe[name], **figures}
                page, bare, static = figures["page"], figures["bare"], figures["static"]
                say(
                    f"  {name:<13} {page['rps']:8.1f} req/s  p50 {page['p50_us'] / 1000:6.1f} ms  "
                    f"p99 {page['p99_us'] / 1000:6.1f} ms   WSGI nu {bare['rps']:8.1f} req/s "
                    f"({before:.0f} avant, {after:.0f} après)  statique {static['rps']:8.1f} req/s  "
                    f"(charge {load_average()})"
                )
        errors = [line for line in site.gunicorn_log().splitlines() if "Error" in line or "Traceback" in line]
        if errors:
            say("  Erreurs dans le journal de gunicorn :\n    " + "\n    ".join(errors[:20]))
        return results


def together(first, second):
    """Two wrk runs of one address as one: requests per second over both; errors added up."""
    duration_us = first["duration_us"] + second["duration_us"]
    requests = first["requests"] + second["requests"]
    return {
        "requests": requests,
        "duration_us": duration_us,
        "rps": requests / (duration_us / 1e6),
        "status": first["status"] + second["status"],
        "socket_errors": first["socket_errors"] + second["socket_errors"],
    }


def errors_of(figures):
    return figures["status"] + figures["socket_errors"]


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def print_report(label, results, sizes):
    """The table of one database, then every target with OK or FAIL; returns the number of FAILs."""
    small, large = min(sizes), max(sizes)
    say(f"\n### {label}, {CONNECTIONS} connexions, 2 workers gunicorn (charge : {load_average()})")
    header = (
        f"{'page':<13} {'écoles':>7} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'WSGI nu':>8} {'ratio':>6} "
        f"{'statique':>9} {'ratio':>6} {'SQL':>4} {'SQL cache':>9} {'sans cache ms min/méd':>21} "
        f"{'erreurs':>7}"
    )
    say(header)
    say("-" * len(header))
    for name, _ in PAGES:
        for size in sizes:
            r = results[size][name]
            page, bare, static = r["page"], r["bare"], r["static"]
            say(
                f"{name:<13} {size:>7} {page['rps']:>8.1f} {page['p50_us'] / 1000:>7.1f} "
                f"{page['p99_us'] / 1000:>7.1f} {bare['rps']:>8.1f} {page['rps'] / bare['rps']:>6.2f} "
                f"{static['rps']:>9.1f} {page['rps'] / static['rps']:>6.2f} {r['queries']:>4} "
                f"{r['queries_cached']:>9} {r['build_min_ms']:>14.1f} /{r['build_ms']:>5.1f} "
                f"{errors_of(page) + errors_of(static):>7}"
            )
    checks = []
    if small != large:
        say(f"\nDe {small} à {large} écoles : latence (×) et requêtes SQL")
        say(f"{'page':<13} {'p50 ×':>6} {'p99 ×':>6} {'sans cache ×':>12} {'SQL':>9} {'SQL cache':>10}")
        for name, _ in PAGES:
            a, b = results[small][name], results[large][name]
            p50 = b["page"]["p50_us"] / a["page"]["p50_us"]
            p99 = b["page"]["p99_us"] / a["page"]["p99_us"]
            build = b["build_ms"] / a["build_ms"]
            say(
                f"{name:<13} {p50:>6.2f} {p99:>6.2f} {build:>12.2f} {a['queries']:>4} → {b['queries']:<3}"
                f"{a['queries_cached']:>5} → {b['queries_cached']}"
            )
            same = (a["queries"], a["queries_cached"]) == (b["queries"], b["queries_cached"])
            checks.append((same, f"{name} : mêmes requêtes SQL à {small} et {large} écoles"))
            checks.append(
                (
                    p50 <= MAX_LATENCY_GROWTH,
                    f"{name} : latence médiane à {large} = {p50:.2f} × celle à {small} "
                    f"(objectif ≤ {MAX_LATENCY_GROWTH})",
                )
            )
    for size in sizes:
        for name, _ in PAGES:
            r = results[size][name]
            page, bare, static = r["page"], r["bare"], r["static"]
            ratio = page["rps"] / bare["rps"]
            checks.append(
                (
                    ratio >= MIN_BARE_RATIO,
                    f"{name}, {size} écoles : {ratio:.2f} × le WSGI nu, {page['rps'] / static['rps']:.2f} × "
                    f"le fichier statique (objectif ≥ {MIN_BARE_RATIO} × le WSGI nu)",
                )
            )
            checks.append(
                (
                    r["build_ms"] < MAX_BUILD_MS,
                    f"{name}, {size} écoles : construite sans cache en {r['build_ms']:.1f} ms (médiane de "
                    f"{r['build_runs']} ; minimum {r['build_min_ms']:.1f} ms ; travail de référence "
                    f"{r['reference_ms']:.1f} ms) (objectif < {MAX_BUILD_MS} ms)",
                )
            )
            p99 = page["p99_us"] / 1000
            checks.append(
                (p99 < MAX_P99_MS, f"{name}, {size} écoles : p99 {p99:.1f} ms (objectif < {MAX_P99_MS} ms)")
            )
            errors = errors_of(page) + errors_of(bare) + errors_of(static)
            checks.append((errors == 0, f"{name}, {size} écoles : {errors} réponse(s) en erreur"))
    say("\nObjectifs")
    for ok, text in checks:
        say(f"  {'OK  ' if ok else 'FAIL'} {text}")
    failed = sum(not ok for ok, _ in checks)
    say(f"{len(checks) - failed} OK, {failed} FAIL")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000], help="Nombres d'écoles.")
    parser.add_argument("--duration", type=int, default=10, help="Secondes de mesure par adresse.")
    parser.add_argument("--warmup", type=int, default=2, help="Secondes de chauffe par adresse.")
    args = parser.parse_args()
    require_wrk()

    databases = [{"label": "SQLite", "open": sqlite_database}]
    server_url = os.environ.get("DATABASE_URL")
    if is_postgres(server_url):
        databases.append({"label": "PostgreSQL", "open": lambda folder: database_on_server(server_url)})
    reports = []
    for database in databases:
        results = {size: measure_size(database, size, args) for size in args.sizes}
        reports.append((database["label"], results))
    for label, results in reports:
        print_report(label, results, args.sizes)
    # A benchmark prints figures: the exit status stays 0 when targets fail (FAIL is printed above).
    return 0


if __name__ == "__main__":
    sys.exit(main())
