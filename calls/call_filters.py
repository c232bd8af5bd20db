"""What staff look for among calls ("opt-outs last week", "calls the agent did not understand", "Maria's calls"):
`CallFilterForm` reads the query string, `calls_filtered` applies it, so the list and its CSV see the same set."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from calls.call_summary import MOODS, OBJECTIONS
from calls.models import Call, DialRun, Turn
from callscripts.models import Script
from issetter.models import Office

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
OBJECTION_CHOICES = [(words, words.capitalize()) for words in dict.fromkeys(OBJECTIONS.values())]


class CallFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Customer", max_length=100, help_text="Name or number")
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Call.Outcome.choices])
    script = forms.ModelChoiceField(required=False, queryset=Script.objects.none(), empty_label="Any script")
    run = forms.ModelChoiceField(required=False, queryset=DialRun.objects.none(), empty_label="Any run")
    flagged = forms.ChoiceField(required=False, choices=YES_NO)
    feedback = forms.ChoiceField(required=False, choices=YES_NO, label="Has feedback")
    not_understood = forms.ChoiceField(required=False, choices=YES_NO, label="A turn not understood")
    mood = forms.ChoiceField(required=False, choices=[("", "Any mood"), *((m, m.capitalize()) for m in MOODS)])
    objection = forms.ChoiceField(required=False, label="Raised", choices=[("", "Anything"), *OBJECTION_CHOICES])
    longer_than = forms.IntegerField(required=False, min_value=0, label="Talk longer than (s)")
    shorter_than = forms.IntegerField(required=False, min_value=0, label="Talk shorter than (s)")

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.fields["script"].queryset = Script.objects.filter(office=office)
        self.fields["run"].queryset = DialRun.objects.filter(office=office).order_by("-created_at")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("“To” is before “From”: put the earlier day first.")
        return cleaned


def calls_filtered(calls: QuerySet[Call], *, office: Office, values: dict) -> QuerySet[Call]:
    """`calls` narrowed by the form's cleaned values (empty values narrow nothing)."""
    zone = office.zone
    if values.get("q"):
        words = values["q"].strip()
        digits = "".join(ch for ch in words if ch.isdigit())
        match = Q(customer__first_name__icontains=words) | Q(customer__last_name__icontains=words)
        if " " in words:
            first, _, last = words.partition(" ")
            match |= Q(customer__first_name__icontains=first, customer__last_name__icontains=last)
        if len(digits) >= 4:
            match |= Q(to_number__contains=digits) | Q(from_number__contains=digits)
        calls = calls.filter(match)
    if values.get("start"):
        calls = calls.filter(created_at__gte=dt.datetime.combine(values["start"], dt.time(0), tzinfo=zone))
    if values.get("end"):
        next_day = values["end"] + dt.timedelta(days=1)
        calls = calls.filter(created_at__lt=dt.datetime.combine(next_day, dt.time(0), tzinfo=zone))
    if values.get("outcome"):
        calls = calls.filter(outcome=values["outcome"])
    if values.get("script"):
        calls = calls.filter(script=values["script"])
    if values.get("run"):
        calls = calls.filter(dial_run=values["run"])
    if values.get("flagged"):
        calls = calls.filter(flagged=values["flagged"] == "yes")
    if values.get("feedback"):
        calls = calls.filter(feedback__isnull=values["feedback"] == "no").distinct()
    if values.get("not_understood"):
        callee = Turn.objects.filter(call=OuterRef("pk"), speaker=Turn.Speaker.CALLEE)
        unclear = callee.filter(understood__startswith="unclear")
        calls = calls.filter(Exists(unclear)) if values["not_understood"] == "yes" else calls.exclude(Exists(unclear))
    if values.get("mood"):
        calls = calls.filter(summary_facts__mood=values["mood"])
    if values.get("objection"):
        calls = calls.filter(summary_facts__objections__icontains=f'"{values["objection"]}"')  # an item, quoted
    if values.get("longer_than") is not None:
        calls = calls.filter(billsec__gt=values["longer_than"])
    if values.get("shorter_than") is not None:
        calls = calls.filter(Q(billsec__lt=values["shorter_than"]) | Q(billsec__isnull=True))
    return calls
