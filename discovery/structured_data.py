"""schema.org JSON-LD of a school page, built from the school object the page shows (no extra query)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

# As Django's json_script: nothing in the data can close the <script> element or start markup.
SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
REGION = "Normandie"


def school_structured_data(school, absolute_url):
    """A schema.org @graph: the School, then each programme it prepares as an EducationalOccupationalProgram.

    `absolute_url(path)` makes an address absolute. Uses the school's commune, trades and programmes as the
    page loaded them."""
    page_url = absolute_url(school.get_absolute_url())
    school_id = f"{page_url}#ecole"
    if school.latitude is not None:
        latitude, longitude = school.latitude, school.longitude
    else:  # where the page's map puts it: the town hall
        latitude, longitude = school.commune.latitude, school.commune.longitude
    address = {
        "@type": "PostalAddress",
        "addressLocality": school.commune.name,
        "addressRegion": REGION,
        "addressCountry": "FR",
    }
    if school.street_address:
        address["streetAddress"] = school.street_address
    if school.postcode:
        address["postalCode"] = school.postcode
    organisation = {
        "@type": "School",
        "@id": school_id,
        "name": school.name,
        "url": page_url,
        "description": " ".join(school.description.split()),
        "address": address,
        "geo": {"@type": "GeoCoordinates", "latitude": float(latitude), "longitude": float(longitude)},
        "knowsAbout": [trade.name for trade in school.trades.all()],
    }
    optional = {
        "alternateName": school.short_name,
        "telephone": school.phone,
        "email": school.email,
        "sameAs": school.website,
        "foundingDate": str(school.opened_year) if school.opened_year else "",
    }
    organisation.update({key: value for key, value in optional.items() if value})
    programmes = []
    for programme in school.programmes.all():
        node = {
            "@type": "EducationalOccupationalProgram",
            "name": programme.title,
            "url": absolute_url(programme.get_absolute_url()),
            "provider": {"@id": school_id},
            "educationalCredentialAwarded": programme.get_kind_display(),
        }
        if programme.duration_years:
            node["timeToComplete"] = f"P{programme.duration_years}Y"
        if school.age_min and school.age_max:
            node["typicalAgeRange"] = f"{school.age_min}-{school.age_max}"
        programmes.append(node)
    return {"@context": "https://schema.org", "@graph": [organisation, *programmes]}


def json_ld_script(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(SCRIPT_SAFE)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # escaped just above
