"""The worker pulls every connected calendar every ten minutes."""

from django.db import migrations


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="calendar sync",
        defaults={"func": "calendars.tasks.calendar_sync_task", "schedule_type": "I", "minutes": 10, "repeats": -1},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="calendar sync").delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0002_booking_policy"), ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")]
    operations = [migrations.RunPython(schedule, unschedule)]
