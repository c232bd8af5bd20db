from django.contrib import admin
from django.urls import include, path

from issetter import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("customers/", include("customers.urls")),
    path("", include("calls.urls")),
    path("calendar/", include("calendars.urls")),
    path("scripts/", include("agent.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "ISS Appointment Setter — administration"
admin.site.site_title = "ISS admin"
