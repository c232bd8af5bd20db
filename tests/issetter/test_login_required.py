"""Every page of ours needs a signed-in user; anonymous visitors are sent to the sign-in page."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

OUR_NAMESPACES = {"customers", "calls", "calendars", "agent", "reports", "feedback", "improve"}
PUBLIC = {"healthz", "account_login", "microsoft_callback"}  # sign-in pages (allauth views)


def our_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in OUR_NAMESPACES:
                    walk(entry.url_patterns, entry.namespace)
                elif entry.namespace is None and entry.app_name is None and not str(entry.pattern):
                    walk(entry.url_patterns, namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns)
    return names - PUBLIC


@pytest.fixture
def page_urls(customer, call, call_recording, script, import_batch, campaign):
    return {
        "home": reverse("home"),
        "customers:list": reverse("customers:list"),
        "customers:match_count": reverse("customers:match_count"),
        "customers:detail": reverse("customers:detail", args=[customer.pk]),
        "customers:export": reverse("customers:export"),
        "customers:import_detail": reverse("customers:import_detail", args=[import_batch.pk]),
        "customers:import_progress": reverse("customers:import_progress", args=[import_batch.pk]),
        "customers:import_problems": reverse("customers:import_problems", args=[import_batch.pk]),
        "customers:do_not_call": reverse("customers:do_not_call"),
        "calls:queue": reverse("calls:queue"),
        "calls:queue_entries": reverse("calls:queue_entries"),
        "calls:calling_rules": reverse("calls:calling_rules"),
        "calls:list": reverse("calls:list"),
        "calls:export": reverse("calls:export"),
        "calls:detail": reverse("calls:detail", args=[call.uuid]),
        "calls:call_audio": reverse("calls:call_audio", args=[call.uuid]),
        "calls:campaign_list": reverse("calls:campaign_list"),
        "calls:campaign_new": reverse("calls:campaign_new"),
        "calls:campaign_detail": reverse("calls:campaign_detail", args=[campaign.pk]),
        "calls:alert_list": reverse("calls:alert_list"),
        "calendars:index": reverse("calendars:index"),
        "agent:script_list": reverse("agent:script_list"),
        "agent:voice_list": reverse("agent:voice_list"),
        "agent:script_detail": reverse("agent:script_detail", args=[script.pk]),
        "agent:script_new": reverse("agent:script_new"),
        "agent:script_edit": reverse("agent:script_edit", args=[script.pk]),
        "agent:script_preview": reverse("agent:script_preview", args=[script.pk, "closing"]),
        "reports:index": reverse("reports:index"),
        "improve:page": reverse("improve:page"),
        "reports:csv": reverse("reports:csv"),
        "reports:value": reverse("reports:value"),
        "reports:value_summary": reverse("reports:value_summary"),
    }


@pytest.fixture
def action_urls(customer, import_batch, call):
    """Views that act and redirect (POST, or the calendar sign-in's hops)."""
    return {
        "calendars:connect": reverse("calendars:connect", args=["microsoft"]),
        "calendars:connect_done": reverse("calendars:connect_done", args=["microsoft"]),
        "customers:import_upload": reverse("customers:import_upload"),
        "customers:import_start": reverse("customers:import_start", args=[import_batch.pk]),
        "customers:do_not_call_add": reverse("customers:do_not_call_add"),
        "customers:do_not_call_upload": reverse("customers:do_not_call_upload"),
        "customers:do_not_call_remove": reverse("customers:do_not_call_remove", args=[1]),
        "calendars:sync": reverse("calendars:sync"),
        "calendars:disconnect": reverse("calendars:disconnect", args=[1]),
        "calendars:appointment_cancel": reverse("calendars:appointment_cancel", args=[1]),
        "calendars:appointment_move": reverse("calendars:appointment_move", args=[1]),
        "calls:queue_add_all": reverse("calls:queue_add_all"),
        "calls:queue_add_one": reverse("calls:queue_add_one", args=[customer.pk]),
        "calls:queue_add_picked": reverse("calls:queue_add_picked"),
        "calls:queue_remove": reverse("calls:queue_remove", args=[1]),
        "calls:queue_clear": reverse("calls:queue_clear"),
        "calls:queue_call": reverse("calls:queue_call"),
        "calls:run_control": reverse("calls:run_control", args=[1, "pause"]),
        "calls:campaign_control": reverse("calls:campaign_control", args=[1, "pause"]),
        "calls:callback_new": reverse("calls:callback_new", args=[customer.pk]),
        "calls:alert_resolve": reverse("calls:alert_resolve", args=[1]),
        "agent:script_default": reverse("agent:script_default", args=[1]),
        "agent:script_from_template": reverse("agent:script_from_template", args=["annual_review"]),
        "reports:costs_update": reverse("reports:costs_update"),
        "improve:teach": reverse("improve:teach"),
        "improve:withdraw": reverse("improve:withdraw", args=[1]),
        "reports:promote": reverse("reports:promote", args=[1, 1]),
        "office_logo": reverse("office_logo"),
        "calls:outcome_correct": reverse("calls:outcome_correct", args=[call.uuid]),
        "feedback:add": reverse("feedback:add", args=[call.uuid]),  # a GET, but 404 for an office without a logo
    }


@pytest.fixture
def campaign(office):
    import datetime as dt

    from calls.campaigns import campaign_create

    return campaign_create(office=office, name="Renewals", criteria="tag=renewal", starts_on=dt.date(2026, 11, 24))


@pytest.fixture
def call_recording(call, settings, tmp_path):
    from calls.services import call_recording_save

    settings.RECORDINGS_DIR = tmp_path / "recordings"
    call_recording_save(call_id=call.uuid, wav=b"RIFF\x24\x00\x00\x00WAVE" + bytes(32))


@pytest.fixture
def import_batch(office):
    from customers.models import ImportBatch

    return ImportBatch.objects.create(office=office, file_name="list.csv", status="running", rows_total=10)


def test_it_lists_every_page_of_ours(page_urls, action_urls):
    listed = set(page_urls) | set(action_urls)
    assert listed == our_url_names(), "add the new page to page_urls or action_urls so its login rule is tested"


def test_it_sends_anonymous_visitors_to_sign_in(page_urls, action_urls):
    for name, url in page_urls.items():
        response = Client().get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login") + "?next="), name
    for name, url in action_urls.items():
        response = Client().post(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


def test_it_serves_every_page_to_a_member(page_urls, colleague):
    client = Client()
    client.force_login(colleague)
    for name, url in page_urls.items():
        assert client.get(url).status_code == 200, name


def test_it_keeps_admin_behind_sign_in(db):
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_it_answers_health_checks_without_sign_in(db):
    response = Client().get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
