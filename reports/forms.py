from __future__ import annotations

import datetime as dt

from django import forms

from reports.models import CostSettings


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The period ends before it starts: put the earlier day first.")
        if start and end and (end - start) > dt.timedelta(days=3660):
            raise forms.ValidationError("Choose a period of at most ten years.")
        return cleaned


class CostSettingsForm(forms.ModelForm):
    class Meta:
        model = CostSettings
        fields = (
            "currency",
            "trunk_cost_per_minute",
            "trunk_billing_seconds",
            "voice_cost_per_hour",
            "voice_cost_per_call",
            "staff_hourly_cost",
            "staff_seconds_per_attempt",
            "kept_appointment_value",
            "show_rate_percent",
        )

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise forms.ValidationError("Write the currency as its three-letter code, e.g. USD or EUR.")
        return code
