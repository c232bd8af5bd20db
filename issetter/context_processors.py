from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "office": getattr(request, "office", None),
        "membership": getattr(request, "membership", None),
        "SIGNUP_OPEN": settings.SIGNUP_OPEN,
    }
