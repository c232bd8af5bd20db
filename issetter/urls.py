from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from issetter import views
from issetter.sign_in_views import OfficeLoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("office/logo", views.office_logo, name="office_logo"),
    path("customers/", include("customers.urls")),
    path("", include("calls.urls")),
    path("calendar/", include("calendars.urls")),
    path("scripts/", include("agent.urls")),
    path("calls/", include("agent.feedback_urls")),  # feedback on a call is the agent's to learn from
    path("reports/", include("reports.urls")),
    path("improve/", include("agent.improve_urls")),
    path("accounts/login/", OfficeLoginView.as_view(), name="account_login"),  # email first, then the office's ways
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
if apps.is_installed("allauth.socialaccount.providers.microsoft"):
    from issetter.microsoft_sign_in import microsoft_callback

    # before allauth's own: the same address and name, keeping the account's directory for tenant pinning
    urlpatterns.insert(0, path("accounts/microsoft/login/callback/", microsoft_callback, name="microsoft_callback"))

admin.site.site_header = "ISS Appointment Setter — administration"
admin.site.site_title = "ISS admin"
