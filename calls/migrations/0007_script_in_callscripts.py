"""A call's and a dial run's script is now callscripts.Script: the same table, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('calls', '0006_dial_run_watch'),
        ('callscripts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='call',
                name='script',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='callscripts.script'),
            ),
            migrations.AlterField(
                model_name='dialrun',
                name='script',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='callscripts.script'),
            ),
            ],
            database_operations=[],
        ),
    ]
