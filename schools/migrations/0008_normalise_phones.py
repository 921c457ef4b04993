from django.core.exceptions import ValidationError
from django.db import migrations

from core.phones import normalize_phone


def normalise_phones(apps, schema_editor):
    """Numbers typed before phones were validated, stored as "+33…"; one that does not parse is kept as it
    is, and the admin asks for a valid number at the school's next save."""
    School = apps.get_model("schools", "School")
    for school in School.objects.exclude(phone=""):
        try:
            phone = normalize_phone(school.phone)
        except ValidationError:
            continue
        if phone != school.phone:
            School.objects.filter(pk=school.pk).update(phone=phone)


class Migration(migrations.Migration):
    dependencies = [("schools", "0007_history_verification_phone")]

    operations = [migrations.RunPython(normalise_phones, migrations.RunPython.noop)]
