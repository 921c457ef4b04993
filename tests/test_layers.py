"""Imports run downwards only (STYLE.md; README "Layout"). The project's folders, lowest first:

    core                        what every app shares: the publication status, text search, the page cache
                                and its content version, content admins, phone numbers, backup and restore
    outbox, security            services: mail; what protects every response and the admin login
    sources, places             the documents behind the facts; the gazetteer
    programs, funding           trades and programmes; funders
    schools                     the schools, which tie all of the above together
    opendata, discovery         what is read out of the directory: downloads; search engines and sharing
    normandy_ep                 the project: settings, URLs, WSGI
    manage.py, scripts, tests   outside the site

A folder imports its own modules and those of lower layers: never a folder of its own layer or of a higher
one. A lower app reaches a higher one's rows through relations (`trade.schools`, `funding_source.fundings`),
never by importing its code; what two apps both need moves down, to core if every app shares it.

Every .py file is parsed with `ast`: `import x` and `from x import y` anywhere (inside functions too), and
the lookups that import lazily when given a literal name: `import_module("x…")`, `apps.get_model("x", …)` or
`get_model("x.Model")`, `apps.get_app_config("x")`. Each import going up or sideways is named with its file
and line. A folder holding Python that no layer names fails too: a new app takes its place in LAYERS.
"""

import ast
import os
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = (
    ("core",),
    ("outbox", "security"),
    ("sources", "places"),
    ("programs", "funding"),
    ("schools",),
    ("contact",),  # the public's forms and their protections (contact/abuse.py), used by proposals
    ("proposals",),
    ("opendata", "discovery"),
    ("normandy_ep",),
    ("manage.py", "scripts", "tests"),
)
LAYER_OF = {folder: rank for rank, folders in enumerate(LAYERS) for folder in folders}
# Calls that import a module or load an app's models from a name: their first argument, when it is a literal.
LAZY_IMPORTS = {"import_module", "get_model", "get_app_config"}
BASE_DIR = Path(settings.BASE_DIR)


def python_files(base=BASE_DIR):
    """Paths relative to `base` of the project's .py files: hidden folders (.venv, .git), node_modules and
    caches left out, and symbolic links to folders not followed."""
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".") and name not in {"node_modules", "__pycache__"}
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield (Path(folder) / name).relative_to(base)


def owner(path):
    """The folder a file belongs to, or the file itself at the root ("manage.py")."""
    return path.parts[0]


def importable_owners(base=BASE_DIR):
    """Top-level module name → its owner, for what the project itself can be imported as."""
    names = {entry.name: entry.name for entry in base.iterdir() if (entry / "__init__.py").is_file()}
    names.update({entry.stem: entry.name for entry in base.glob("*.py")})
    return names


def imported_modules(tree):
    """(line, module name, the import as written) for each absolute import of `tree` and each literal name
    given to a lazy import. Relative imports (`from . import views`) never leave their own folder."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield (
                node.lineno,
                node.module,
                f"from {node.module} import {', '.join(a.name for a in node.names)}",
            )
        elif isinstance(node, ast.Call) and node.args:
            function = (
                node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            )
            name = node.args[0]
            if function in LAZY_IMPORTS and isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield node.lineno, name.value, ast.unparse(node)


def forbidden_imports(source, path, importable=None):
    """Messages naming each import of `source` (the text of the file at `path`, relative to the project) that
    goes up or sideways in LAYERS."""
    importable = importable_owners() if importable is None else importable
    importer = owner(path)
    tree = ast.parse(source, filename=str(path))
    messages = []
    for line, module, written in sorted(imported_modules(tree)):
        imported = importable.get(module.split(".")[0])
        if imported is None or imported == importer:
            continue
        if LAYER_OF[imported] >= LAYER_OF[importer]:
            direction = "same layer" if LAYER_OF[imported] == LAYER_OF[importer] else "higher layer"
            messages.append(f"{path}:{line}: {importer} imports {imported} ({direction}): {written}")
    return messages


def test_every_folder_with_python_has_its_layer():
    unplaced = sorted({owner(path) for path in python_files()} - LAYER_OF.keys())
    assert not unplaced, f"Not in any layer, add to LAYERS in tests/test_layers.py: {', '.join(unplaced)}"


def test_imports_run_downwards_only():
    importable = importable_owners()
    messages = []
    for path in python_files():
        if owner(path) in LAYER_OF:
            source = (BASE_DIR / path).read_text(encoding="utf-8")
            messages.extend(forbidden_imports(source, path, importable))
    assert not messages, "Imports going up or sideways:\n" + "\n".join(messages)


# The checker itself, on sources written here: it must see what it is meant to catch.
IMPORTABLE = {name: name for name in ("core", "places", "programs", "funding", "schools", "opendata")}


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "places/models.py",
            "from django.db import models\n\n\ndef f():\n    from schools.models import School\n",
            ["places/models.py:5: places imports schools (higher layer): from schools.models import School"],
        ),
        (
            "core/cache.py",
            "import schools.editors\n",
            ["core/cache.py:1: core imports schools (higher layer): import schools.editors"],
        ),
        (
            "programs/views.py",
            "from funding import models\n",
            ["programs/views.py:1: programs imports funding (same layer): from funding import models"],
        ),
        (
            "funding/views.py",
            "from django.apps import apps\n\nSchool = apps.get_model('schools.School')\n",
            ["funding/views.py:3: funding imports schools (higher layer): apps.get_model('schools.School')"],
        ),
        (
            "core/loader.py",
            "from importlib import import_module\n\nviews = import_module('opendata.views')\n",
            ["core/loader.py:3: core imports opendata (higher layer): import_module('opendata.views')"],
        ),
        # Downwards, within a folder, or outside the project: nothing to say.
        ("schools/models.py", "import json\n\nfrom core.enums import Status\nfrom places import geo\n", []),
        ("places/lookup.py", "from places.models import Commune\n\nfrom . import geo\n", []),
        (
            "opendata/views.py",
            "from django.apps import apps\n\nSchool = apps.get_model('schools.School')\n",
            [],
        ),
    ],
)
def test_the_checker_names_each_import_going_up_or_sideways(path, source, expected):
    assert forbidden_imports(source, Path(path), IMPORTABLE) == expected
