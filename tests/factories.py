"""Small helpers that build valid objects; tests pass only the fields they care about."""

import itertools

from funding.models import FundingSource
from places.models import Commune, normalize_place_name
from programs.models import Programme, Trade
from schools.models import School, SchoolFunding, TestimonialLink
from sources.models import KeyFigure, Source

_sequence = itertools.count(1)


def make_source(**overrides):
    n = next(_sequence)
    fields = {
        "slug": f"source-{n}",
        "title": f"Article {n}",
        "publisher": "Journal",
        "url": f"https://example.org/{n}",
    }
    return Source.objects.create(**(fields | overrides))


# Town halls of a few real communes, so that distances in tests are real ones.
KNOWN_COMMUNES = {
    "Valognes": ("50615", "50", "50700", "49.50883", "-1.47008"),
    "Argentan": ("61006", "61", "61200", "48.74407", "-0.02026"),
    "Évreux": ("27229", "27", "27000", "49.02414", "1.15082"),
    "Condé-en-Normandie": ("14174", "14", "14110 14770", "48.84949", "-0.55146"),
    "Colombelles": ("14167", "14", "14460", "49.20396", "-0.29858"),
    "Caen": ("14118", "14", "14000", "49.18165", "-0.36387"),
}


def make_commune(name="Valognes", **overrides):
    """A commune, created once per name: a real one from KNOWN_COMMUNES, or an invented one."""
    existing = Commune.objects.filter(name=name).first()
    if existing and not overrides:
        return existing
    insee_code, departement, postcodes, latitude, longitude = KNOWN_COMMUNES.get(
        name,
        (f"99{next(_sequence) % 1000:03}", "50", "50000", "49.0", "-1.0"),  # 99xxx: no real INSEE code
    )
    fields = {
        "insee_code": insee_code,
        "name": name,
        "search_name": normalize_place_name(name),
        "departement": departement,
        "postcodes": postcodes,
        "latitude": latitude,
        "longitude": longitude,
    }
    return Commune.objects.create(**(fields | overrides))


def make_trade(**overrides):
    n = next(_sequence)
    fields = {
        "slug": f"metier-{n}",
        "name": f"Métier {n}",
        "summary": "On fabrique des choses.",
        "icon": "gear",
    }
    return Trade.objects.create(**(fields | overrides))


def make_programme(trades=(), sources=(), **overrides):
    n = next(_sequence)
    fields = {
        "slug": f"cap-{n}",
        "title": f"CAP Test {n}",
        "kind": "cap",
        "level": 3,
        "duration_years": 2,
        "description": "Un diplôme en deux ans.",
    }
    programme = Programme.objects.create(**(fields | overrides))
    programme.trades.set(trades or [make_trade()])
    programme.sources.set(sources or [make_source()])
    return programme


def make_funding_source(**overrides):
    n = next(_sequence)
    fields = {"slug": f"financeur-{n}", "name": f"Financeur {n}", "kind": "region", "description": "Il aide."}
    funding_source = FundingSource.objects.create(**(fields | overrides))
    funding_source.sources.set([make_source()])
    return funding_source


def make_school(trades=(), programmes=(), sources=(), **overrides):
    n = next(_sequence)
    commune = overrides.pop("commune", "Valognes")
    if isinstance(commune, str):
        commune = make_commune(commune)
    fields = {
        "name": f"École {n}",
        "slug": f"ecole-{n}",
        "commune": commune,
        "postcode": commune.postcodes.split()[0],
        "description": "Une école de production.",
        "status": "published",
    }
    school = School.objects.create(**(fields | overrides))
    school.trades.set(trades or [make_trade()])
    school.programmes.set(programmes)
    school.sources.set(sources or [make_source()])
    return school


def make_school_funding(school, funding_source, **overrides):
    fields = {"start_year": 2026, "end_year": 2026}
    if "source" not in overrides:
        fields["source"] = make_source()
    return SchoolFunding.objects.create(school=school, funding_source=funding_source, **(fields | overrides))


def make_testimonial_link(school, **overrides):
    n = next(_sequence)
    fields = {
        "title": f"Reportage {n}",
        "url": f"https://example.org/reportage-{n}",
        "kind": "press",
        "publisher": "Journal",
    }
    return TestimonialLink.objects.create(school=school, **(fields | overrides))


def make_key_figure(**overrides):
    n = next(_sequence)
    fields = {
        "slug": f"chiffre-{n}",
        "value": "90 %",
        "label": "de réussite au CAP",
        "year": 2023,
        "scope": "Le modèle des écoles de production",
    }
    if "source" not in overrides:
        fields["source"] = make_source()
    return KeyFigure.objects.create(**(fields | overrides))


def make_directory(school_count):
    """A directory of `school_count` published schools sharing trades, programmes and funders, each school
    with its address and contact, programme, funding, testimonial link and sources: the shape of the real
    data, at any size."""
    trades = [make_trade(slug=f"metier-commun-{i}", name=f"Métier commun {i}") for i in range(3)]
    programme = make_programme(trades=trades[:1], slug="cap-commun", title="CAP Commun")
    follow_on = make_programme(
        trades=trades[:1], slug="bac-pro-commun", title="Bac pro Commun", kind="bac_pro"
    )
    programme.next_programmes.set([follow_on])
    funder = make_funding_source(slug="financeur-commun", name="Financeur commun")
    source = make_source()
    make_key_figure(source=source)
    schools = []
    for i in range(school_count):
        school = make_school(
            trades=trades[i % 3 : i % 3 + 2],
            programmes=[programme],
            sources=[source],
            street_address=f"{i + 1} rue du Port",
            phone="+33231000000",
            website=f"https://ecole-{i}.example.org/",
            age_min=15,
            age_max=18,
        )
        make_school_funding(school, funder, source=source)
        make_testimonial_link(school)
        schools.append(school)
    return schools
