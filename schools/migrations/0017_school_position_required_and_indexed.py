from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0015: on PostgreSQL, altering a table its own transaction has just updated fails
    ("pending trigger events")."""

    dependencies = [
        ('schools', '0016_school_position_on_the_map'),
    ]

    operations = [
        migrations.AlterField(
            model_name='school',
            name='map_latitude',
            field=models.FloatField(editable=False, help_text="Calculée : les coordonnées de l'école, sinon celles de la mairie de sa commune.", verbose_name='latitude sur la carte'),
        ),
        migrations.AlterField(
            model_name='school',
            name='map_longitude',
            field=models.FloatField(editable=False, help_text="Calculée : les coordonnées de l'école, sinon celles de la mairie de sa commune.", verbose_name='longitude sur la carte'),
        ),
        migrations.RemoveIndex(
            model_name='school',
            name='school_status_position_idx',
        ),
        migrations.AddIndex(
            model_name='school',
            index=models.Index(fields=['status', 'commune', 'map_latitude', 'map_longitude', 'name', 'id', 'slug'], name='school_status_position_idx'),
        ),
    ]
