"""The form staff fill to start a campaign: who (the customer list's criteria, kept or frozen), which script,
when (days, hours in the office's zone, dates), how fast, and the retries by outcome."""

from __future__ import annotations

from django import forms

from calls.campaign_models import Campaign
from callscripts.models import Script

WEEKDAY_CHOICES = [("0", "Mon"), ("1", "Tue"), ("2", "Wed"), ("3", "Thu"), ("4", "Fri"), ("5", "Sat"), ("6", "Sun")]


class CampaignForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, initial=["0", "1", "2", "3", "4"]
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "script",
            "audience",
            "criteria",
            "weekdays",
            "start_time",
            "end_time",
            "starts_on",
            "ends_on",
            "max_concurrent_calls",
            "calls_per_second",
            "retry_no_answer_minutes",
            "retry_busy_minutes",
            "retry_voicemail_days",
            "retry_failed_minutes",
            "max_attempts",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "criteria": forms.TextInput(attrs={"readonly": True}),
        }
        labels = {
            "criteria": "Customers (the customer list's filters)",
            "max_concurrent_calls": "Calls at once",
            "calls_per_second": "New calls per second",
            "retry_no_answer_minutes": "No answer: try again after (minutes)",
            "retry_busy_minutes": "Busy: try again after (minutes)",
            "retry_voicemail_days": "Voicemail left: try again after (days)",
            "retry_failed_minutes": "Failed: try again after (minutes)",
            "max_attempts": "Calls to one person, at most",
        }
        help_texts = {
            "start_time": "In the office's time zone. The calling rules still apply in each person's own zone.",
            "retry_voicemail_days": "Empty: no retry after a voicemail.",
        }

    def __init__(self, *args, office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        self.fields["script"].queryset = Script.objects.filter(office=office)
        self.fields["script"].empty_label = "The office's default script"
        self.fields["criteria"].required = False

    def clean_weekdays(self) -> str:
        return "".join(sorted(set(self.cleaned_data["weekdays"])))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The hours must end after they start.")
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", "The campaign must end on or after its first day.")
        policy = getattr(self.office, "dialing_policy", None)
        at_once = data.get("max_concurrent_calls")
        if policy is not None and at_once and at_once > policy.max_concurrent_calls:
            self.add_error(
                "max_concurrent_calls", f"The office allows at most {policy.max_concurrent_calls} calls at once."
            )
        if at_once is not None and at_once < 1:
            self.add_error("max_concurrent_calls", "At least one call at once.")
        return data
