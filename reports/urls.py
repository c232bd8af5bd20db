from django.urls import path

from reports import report_views, views

app_name = "reports"
urlpatterns = [
    path("", report_views.report_page, name="index"),
    path("calls.csv", report_views.report_csv, name="csv"),
    path("script-tests/<int:run_id>/promote/<int:script_id>/", report_views.script_test_promote, name="promote"),
    path("value/", views.value_page, name="value"),
    path("value/summary/", views.value_summary, name="value_summary"),
    path("value/costs/", views.costs_update, name="costs_update"),
]
