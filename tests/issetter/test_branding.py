"""An office's look: its supervisor sets the accent colour and a raster logo in the admin; its pages and its
admin show them; an SVG (whatever its name) and a colour that is not one are refused with the reason."""

from __future__ import annotations

import base64
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import client_for
from tests.issetter.test_admin import OFFICE_FORM

# a 1×1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def office_post(client, office, **fields):
    url = reverse("admin:issetter_office_change", args=[office.pk])
    return client.post(url, {**OFFICE_FORM, **fields})


def test_its_logo_and_colour_show_on_its_pages_and_in_its_admin(supervisor, colleague, office):
    client = client_for(supervisor)
    logo = SimpleUploadedFile("north.png", PNG, content_type="image/png")
    assert office_post(client, office, accent_colour="#0b7a75", logo_file=logo).status_code == 302

    page = client_for(colleague).get(reverse("home")).text
    assert "--brand:#0b7a75" in page and reverse("office_logo") in page
    served = client_for(colleague).get(reverse("office_logo"))
    assert served["Content-Type"] == "image/png" and served.content == PNG
    admin_page = client.get(reverse("admin:index")).text
    assert "North Insurance — administration" in admin_page and "--header-bg:#0b7a75" in admin_page


def test_another_office_never_gets_its_logo(supervisor, office, outsider):
    office_post(client_for(supervisor), office, logo_file=SimpleUploadedFile("n.png", PNG, content_type="image/png"))
    assert client_for(outsider).get(reverse("office_logo")).status_code == 404


def test_it_refuses_an_svg_logo_even_named_png(supervisor, office):
    client = client_for(supervisor)
    answer = office_post(client, office, logo_file=SimpleUploadedFile("logo.png", SVG, content_type="image/png"))
    assert answer.status_code == 200 and "SVG logos are not accepted" in answer.text
    office.refresh_from_db()
    assert not office.logo and office.logo_content_type == ""


def test_it_refuses_a_file_that_is_no_image_and_a_colour_that_is_none(supervisor, office):
    client = client_for(supervisor)
    answer = office_post(client, office, logo_file=SimpleUploadedFile("logo.png", io.BytesIO(b"MZ\x90\x00").read()))
    assert "must be a PNG, JPEG, GIF or WebP image" in answer.text
    answer = office_post(client, office, accent_colour="#zz0000")
    assert "six hexadecimal digits" in answer.text
    office.refresh_from_db()
    assert office.accent_colour == "#1f5fae"


def test_a_supervisor_removes_the_logo(supervisor, colleague, office):
    client = client_for(supervisor)
    office_post(client, office, logo_file=SimpleUploadedFile("n.png", PNG, content_type="image/png"))
    office_post(client, office, remove_logo="on")
    assert client_for(colleague).get(reverse("office_logo")).status_code == 404
    assert reverse("office_logo") not in client_for(colleague).get(reverse("home")).text
