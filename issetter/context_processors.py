from django.conf import settings
from django.http import HttpRequest

from issetter.branding import DEFAULT_ACCENT, accent_text_colour


def site(request: HttpRequest) -> dict:
    office = getattr(request, "office", None)
    accent = office.accent_colour if office is not None else DEFAULT_ACCENT
    return {
        "office": office,
        "accent": accent,
        "accent_text": accent_text_colour(accent),
        "membership": getattr(request, "membership", None),
        "SIGNUP_OPEN": settings.SIGNUP_OPEN,
    }
