"""Scripts have a room of their own (callscripts): the agent app lets go of the model in Django's state only;
the table and its rows are callscripts.Script's now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agent", "0004_script_voice_name"),
        ("callscripts", "0001_initial"),
        ("calls", "0007_script_in_callscripts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Script")],
            database_operations=[],
        ),
    ]
