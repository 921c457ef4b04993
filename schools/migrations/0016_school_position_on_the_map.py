from django.db import migrations, models
from django.db.models import FloatField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce


def place_schools_on_the_map(apps, schema_editor):
    """Each school's own coordinates, else its commune's town hall, as place_on_the_map() sets them."""
    School = apps.get_model("schools", "School")
    Commune = apps.get_model("places", "Commune")
    schools = School.objects.using(schema_editor.connection.alias)
    communes = Commune.objects.filter(pk=OuterRef("commune_id"))
    for field in ("latitude", "longitude"):
        position = Coalesce(field, Subquery(communes.values(field)[:1]))
        schools.update(**{f"map_{field}": Cast(position, FloatField())})


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0003_former_communes'),
        ('schools', '0015_index_schools_commune_by_id'),
    ]

    operations = [
        migrations.AddField(
            model_name='school',
            name='map_latitude',
            field=models.FloatField(editable=False, null=True, help_text="Calculée : les coordonnées de l'école, sinon celles de la mairie de sa commune.", verbose_name='latitude sur la carte'),
        ),
        migrations.AddField(
            model_name='school',
            name='map_longitude',
            field=models.FloatField(editable=False, null=True, help_text="Calculée : les coordonnées de l'école, sinon celles de la mairie de sa commune.", verbose_name='longitude sur la carte'),
        ),
        migrations.RunPython(place_schools_on_the_map, migrations.RunPython.noop),
    ]
