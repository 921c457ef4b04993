"""Questions asked inside a throwaway site (scripts/harness.py runs this file with the site's settings).

    site_probe.py pages FOLDER HOST name=path…   save each page's HTML as FOLDER/name.html and its headers as
                                                 FOLDER/name.json; count its queries
    site_probe.py school-urls N                  addresses of up to N published schools

Prints one JSON line. Pages are fetched with Django's test client against the same database as gunicorn;
queries are counted with CaptureQueriesContext (DEBUG stays off): once with an empty page cache (the cost of
building the page), once more right after (what a cached page costs). Then the page is built again
BUILD_RUNS times, each with an empty page cache: the median time is what a visitor waits for a page nobody
asked for yet, the path the page cache hides from wrk; the minimum, what the build costs when nothing else on
the machine competes for it. Right before each build, a fixed piece of pure-Python work is timed too: its
median over a page's builds (`reference_ms`) is how fast the machine ran while that page was measured,
comparable from one run to the next (on this project's two-core machine, 3.5 to 4 ms in a calm minute, and
the same work has taken twice its best within a minute).
"""

import json
import statistics
import sys
import time
from pathlib import Path

import django

BUILD_RUNS = 15
REFERENCE_ADDITIONS = 100_000  # the fixed work: about 3.5 ms of pure Python on a calm machine


def reference_work_seconds():
    started = time.perf_counter()
    total = 0
    for number in range(REFERENCE_ADDITIONS):
        total += number
    return time.perf_counter() - started


def capture_pages(folder, host, pages):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=host)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    answer = {}
    for page in pages:
        name, path = page.split("=", 1)
        cache.clear()
        with CaptureQueriesContext(connection) as built:
            response = client.get(path)
        with CaptureQueriesContext(connection) as cached:
            client.get(path)
        (folder / f"{name}.html").write_bytes(response.content)
        (folder / f"{name}.json").write_text(json.dumps(list(response.items())))
        # Counted now: the next requests reset Django's query log, which the contexts above only point into.
        queries, queries_cached = len(built), len(cached)
        build_times, reference_times = [], []
        for _ in range(BUILD_RUNS):
            reference_times.append(reference_work_seconds())
            cache.clear()
            started = time.perf_counter()
            client.get(path)
            build_times.append(time.perf_counter() - started)
        answer[name] = {
            "path": path,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": queries,
            "queries_cached": queries_cached,
            "build_ms": statistics.median(build_times) * 1000,
            "build_min_ms": min(build_times) * 1000,
            "build_runs": BUILD_RUNS,
            "reference_ms": statistics.median(reference_times) * 1000,
        }
    return answer


def school_urls(count):
    from schools.models import School

    return [school.get_absolute_url() for school in School.objects.published().order_by("slug")[:count]]


if __name__ == "__main__":
    django.setup()
    command, *args = sys.argv[1:]
    if command == "pages":
        result = capture_pages(args[0], args[1], args[2:])
    elif command == "school-urls":
        result = school_urls(int(args[0]))
    else:
        sys.exit(f"Commande inconnue : {command}")
    print(json.dumps(result))
