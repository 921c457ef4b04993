import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from proposals.models import Invitation, Proposal
from schools.models import OpenDay
from tests.factories import make_school
from tests.html_form import submitted

SAME_SITE = {"HTTP_ORIGIN": "http://testserver"}  # what a browser sends with a form of this site


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def school(db):
    school = make_school(
        name="L'Usin'Eure",
        slug="usineure",
        commune="Évreux",
        phone="+33232000000",
        email="contact@usineure.example.org",
        intake_places=12,
        age_min=15,
        age_max=18,
        cost="free",
        meals="Cantine sur place",
    )
    OpenDay.objects.create(
        school=school, date=soon(20), start_time=datetime.time(9), details="Sur rendez-vous"
    )
    return school


@pytest.fixture
def invitation(school, editor):
    return Invitation.objects.create(school=school, created_by=editor)


def soon(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def jpeg(size=(800, 600), color="green"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile("atelier.jpg", buffer.getvalue(), content_type="image/jpeg")


def form_values(client, url):
    """The form as the page shows it, ready to send back unchanged (the browser's own values)."""
    response = client.get(url)
    assert response.status_code == 200
    return submitted(response.content.decode(), "proposition")


def send(client, url, changes=None, **headers):
    """Post the form as shown, with `changes`, from this site's own page (its Origin header)."""
    data = form_values(client, url)
    data.update({"submitter_name": "Léa Martin", "submitter_role": "Directrice"})
    data.update(changes or {})
    return client.post(url, data, **{**SAME_SITE, **headers})


def make_proposal(school, invitation=None, **overrides):
    """A proposal as the form stores it: new phone and boarding, one open day added, the school's removed."""
    day = school.open_days.first()
    fields = {
        "school": school,
        "invitation": invitation,
        "submitter_name": "Léa Martin",
        "submitter_role": "Directrice",
        "submitter_email": "lea@example.org",
        "changes": {
            "phone": {"before": school.phone, "after": "+33231123456"},
            "boarding": {"before": school.boarding, "after": "yes"},
        },
        "open_days_added": [
            {
                "date": soon(40).isoformat(),
                "start_time": "14:00",
                "end_time": "17:00",
                "details": "Atelier ouvert",
            }
        ],
        "open_days_removed": [{"id": day.pk, "date": day.date.isoformat(), "text": "le jour prévu"}]
        if day
        else [],
    }
    return Proposal.objects.create(**(fields | overrides))
