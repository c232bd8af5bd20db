from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("value/", views.value_page, name="value"),
    path("value/summary/", views.value_summary, name="value_summary"),
    path("value/costs/", views.costs_update, name="costs_update"),
]
