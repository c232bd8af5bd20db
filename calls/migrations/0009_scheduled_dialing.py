"""The worker runs scheduled dialing every minute (campaigns, callbacks and retries at their time, missed
promises raised as alerts); callbacks already waiting keep their time as the time promised."""

from django.db import migrations
from django.db.models import F


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="scheduled dialing",
        defaults={"func": "calls.tasks.scheduled_dialing_work", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )
    apps.get_model("calls", "QueueEntry").objects.filter(
        reason="callback", status="waiting", promised_for__isnull=True
    ).update(promised_for=F("due_at"))


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="scheduled dialing").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0008_campaigns_promises_alerts"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
