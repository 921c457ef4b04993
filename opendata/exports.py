"""The directory as open data: one definition of the published fields, written as CSV, JSON, GeoJSON and
iCalendar. The /donnees/ page documents FIELDS, so the page and the files cannot disagree.

Only published schools are written (School.objects.for_open_data()). Every file is built from the same
rows, in a fixed number of queries, and cached whole like the pages (core/cache.py).
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
TITLE = "Annuaire des écoles de production de Normandie"
LIST_SEPARATOR = " | "  # between the items of one CSV cell (trades, programmes)
CSV_DELIMITER = ";"  # what spreadsheets set to French read as columns without asking
FORMULA_STARTS = ("=", "@", "\t", "\r")


def position(school):
    """(latitude, longitude, what the point is): the school's own point if set, else its town hall."""
    if school.latitude is not None:
        return float(school.latitude), float(school.longitude), school.coordinates_precision or "commune"
    return float(school.commune.latitude), float(school.commune.longitude), "mairie"


def one_line(value):
    return " ".join(str(value).split())


@dataclass(frozen=True)
class Field:
    name: str
    meaning: str
    value: Any  # school, page_url → a plain value (str, int, float, None)


def _next_open_day(school):
    day = next(iter(school.upcoming_open_days), None)
    return day.date.isoformat() if day else None


FIELDS = [
    Field(
        "identifiant",
        "Identifiant stable de l'école ; c'est aussi la fin de l'adresse de sa fiche.",
        lambda s, url: s.slug,
    ),
    Field("nom", "Nom de l'école.", lambda s, url: s.name),
    Field("nom_court", "Nom d'usage, s'il existe.", lambda s, url: s.short_name),
    Field("fiche", "Adresse de la fiche de l'école sur ce site.", lambda s, url: url),
    Field(
        "organisme_gestionnaire", "Association ou structure qui gère l'école.", lambda s, url: s.managing_body
    ),
    Field("adresse", "Numéro et rue.", lambda s, url: s.street_address),
    Field("code_postal", "Code postal.", lambda s, url: s.postcode),
    Field("commune", "Commune.", lambda s, url: s.commune.name),
    Field("code_insee", "Code officiel (INSEE) de la commune.", lambda s, url: s.commune.insee_code),
    Field("departement", "Numéro du département.", lambda s, url: s.commune.departement),
    Field("latitude", "Latitude en degrés décimaux (WGS 84).", lambda s, url: position(s)[0]),
    Field("longitude", "Longitude en degrés décimaux (WGS 84).", lambda s, url: position(s)[1]),
    Field(
        "position",
        "Ce que désigne le point : « building » (le bâtiment de l'école), « commune » (un point de la "
        "commune choisi par la rédaction) ou « mairie » (la mairie de la commune, faute de mieux).",
        lambda s, url: position(s)[2],
    ),
    Field(
        "metiers",
        f"Métiers enseignés, séparés par « {LIST_SEPARATOR.strip()} ».",
        lambda s, url: LIST_SEPARATOR.join(t.name for t in s.trades.all()),
    ),
    Field(
        "formations",
        f"Diplômes préparés, séparés par « {LIST_SEPARATOR.strip()} » (vide si non confirmé).",
        lambda s, url: LIST_SEPARATOR.join(p.title for p in s.programmes.all()),
    ),
    Field("age_min", "Âge minimum pour entrer (vide si non communiqué).", lambda s, url: s.age_min),
    Field("age_max", "Âge maximum pour entrer (vide si non communiqué).", lambda s, url: s.age_max),
    Field(
        "cout",
        "Coût pour la famille : « free » (gratuit), « fee » (payant) ou « unknown » (non communiqué).",
        lambda s, url: s.cost,
    ),
    Field(
        "frais_annuels_eur",
        "Frais annuels en euros, pour une école payante.",
        lambda s, url: s.annual_fee_eur,
    ),
    Field("internat", "Internat : « yes », « no » ou « unknown ».", lambda s, url: s.boarding),
    Field("telephone", "Téléphone de l'école, au format international (+33…).", lambda s, url: s.phone),
    Field("courriel", "Adresse électronique de l'école.", lambda s, url: s.email),
    Field("site_web", "Site web de l'école.", lambda s, url: s.website),
    Field(
        "prochaine_porte_ouverte",
        "Date (AAAA-MM-JJ) de la prochaine journée portes ouvertes annoncée.",
        lambda s, url: _next_open_day(s),
    ),
    Field("annee_ouverture", "Année d'ouverture de l'école.", lambda s, url: s.opened_year),
    Field(
        "mise_a_jour",
        "Date et heure de la dernière mise à jour de la fiche (ISO 8601).",
        lambda s, url: timezone.localtime(s.updated_at).isoformat(timespec="seconds"),
    ),
]


def flat_record(school, page_url):
    return {field.name: field.value(school, page_url) for field in FIELDS}


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text, never runs as a formula ("=…", "@…"); numbers stay numbers."""
    if value is None:
        return ""
    text = one_line(value)
    signed = text.startswith(("+", "-"))
    if text.startswith(FORMULA_STARTS) or (signed and not text[1:2].isdigit() and text[1:2] != " "):
        return "'" + text
    return text


def directory_csv(schools, page_url):
    """UTF-8 with a byte-order mark (so that spreadsheets read the accents right), one school a line."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([field.name for field in FIELDS])
    for school in schools:
        record = flat_record(school, page_url(school))
        writer.writerow([spreadsheet_safe(record[field.name]) for field in FIELDS])
    return buffer.getvalue().encode("utf-8")


def _source(source):
    return {
        "titre": source.title,
        "editeur": source.publisher,
        "date": source.published_on,
        "url": source.url,
    }


def directory_json(schools, page_url, about_url):
    records = []
    for school in schools:
        record = flat_record(school, page_url(school))
        record["metiers"] = [{"identifiant": t.slug, "nom": t.name} for t in school.trades.all()]
        record["formations"] = [
            {
                "identifiant": p.slug,
                "intitule": p.title,
                "type": p.kind,
                "niveau": p.level,
                "duree_annees": p.duration_years,
                "code_rncp": p.rncp_code,
            }
            for p in school.programmes.all()
        ]
        record["financements"] = [
            {
                "financeur": {
                    "identifiant": f.funding_source.slug,
                    "nom": f.funding_source.name,
                    "type": f.funding_source.kind,
                },
                "depuis": f.start_year,
                "jusqu_a": f.end_year,
                "montant_eur": f.amount_eur,
                "montant_base": f.amount_basis or None,
                "precisions": f.details,
                "source": _source(f.source),
            }
            for f in school.fundings.all()
        ]
        record["sources"] = [_source(source) for source in school.sources.all()]
        records.append(record)
    document = {
        "titre": TITLE,
        "licence": {"nom": LICENCE_NAME, "url": LICENCE_URL},
        "documentation": about_url,
        "ecoles": records,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")


def directory_geojson(schools, page_url, about_url):
    """A GeoJSON FeatureCollection (RFC 7946): one Point per school, [longitude, latitude]."""
    features = []
    for school in schools:
        latitude, longitude, what = position(school)
        features.append(
            {
                "type": "Feature",
                "id": school.slug,
                "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
                "properties": {
                    "identifiant": school.slug,
                    "nom": school.name,
                    "commune": school.commune.name,
                    "metiers": [trade.name for trade in school.trades.all()],
                    "fiche": page_url(school),
                    "position": what,
                },
            }
        )
    document = {
        "type": "FeatureCollection",
        "name": TITLE,
        "licence": LICENCE_URL,
        "documentation": about_url,
        "features": features,
    }
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def open_days_calendar(days, page_url, host, name):
    """An iCalendar file (RFC 5545) of `days` (OpenDay with school and commune), made with icalendar."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Écoles de production de Normandie//Journées portes ouvertes//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for day in days:
        school = day.school
        url = page_url(school)
        event = icalendar.Event()
        event.add("uid", f"portes-ouvertes-{school.slug}-{day.date.isoformat()}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", f"Journée portes ouvertes : {school.name}")
        if day.start_time:
            event.add("dtstart", datetime.datetime.combine(day.date, day.start_time, tzinfo=zone))
            if day.end_time:
                event.add("dtend", datetime.datetime.combine(day.date, day.end_time, tzinfo=zone))
        else:  # a whole day
            event.add("dtstart", day.date)
            event.add("dtend", day.date + datetime.timedelta(days=1))
        address = ", ".join(
            part
            for part in [school.street_address, f"{school.postcode} {school.commune.name}".strip()]
            if part
        )
        event.add("location", address)
        event.add(
            "description", "\n".join(part for part in [day.details, f"Fiche de l'école : {url}"] if part)
        )
        event.add("url", url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
