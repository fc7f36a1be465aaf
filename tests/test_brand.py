"""The register's own mark: a decorative logo before the name in the header, and the same
mark as the favicon (SVG, a 32-pixel PNG, a 180-pixel apple-touch-icon, /favicon.ico)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

ICONS = {"img/favicon-32.png": 32, "img/apple-touch-icon.png": 180}
HEADER_BACKGROUND = "#0b3d66"  # --brand in static/css/site.css


def test_the_home_page_links_the_icons(client, db):
    html = client.get("/").content.decode()
    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in html
    assert (
        f'<link rel="icon" href="{static("img/favicon-32.png")}" sizes="32x32" type="image/png">'
        in html
    )
    assert f'<link rel="apple-touch-icon" href="{static("img/apple-touch-icon.png")}">' in html


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_the_logo_is_a_decorative_image_inside_the_brand_link(client, db, path):
    html = client.get(path).content.decode()
    brand = re.search(r'<a class="brand"[^>]*>(.*?)</a>', html, re.S).group(1)
    logo = re.search(r"<img[^>]*>", brand).group(0)
    assert f'src="{static("img/logo.svg")}"' in logo
    assert 'alt=""' in logo and 'class="brand-logo"' in logo
    assert brand.lstrip().startswith("<img")  # before the wordmark


def test_favicon_ico_redirects_permanently_to_the_png(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("img/favicon-32.png")


@pytest.mark.parametrize(
    "name", ["img/logo.svg", "img/favicon.svg", "img/favicon-32.png", "img/apple-touch-icon.png"]
)
def test_the_brand_files_exist(name):
    assert finders.find(name)


@pytest.mark.parametrize(("name", "size"), ICONS.items())
def test_the_png_icons_have_their_sizes(name, size):
    with Image.open(finders.find(name)) as image:
        assert image.format == "PNG" and image.size == (size, size)


def luminance(hex_colour):
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", ["img/logo.svg", "img/favicon.svg"])
def test_the_mark_stands_out_from_the_header_by_at_least_3_to_1(name):
    svg = open(finders.find(name), encoding="utf-8").read()
    assert "<script" not in svg and "style=" not in svg
    strokes = set(re.findall(r'stroke="(#[0-9a-fA-F]{6})"', svg)) - {HEADER_BACKGROUND}
    assert strokes
    for colour in strokes:
        assert contrast(colour, HEADER_BACKGROUND) >= 3, colour
