"""A world map of where the register's records are, drawn on the server as SVG from
Natural Earth's country shapes (1:110 million) as the npm package `world-atlas` ships
them (ISC licence; README, "Map"). `manage.py build_world_map` converts the package's
TopoJSON into the path data this module serves; nothing is fetched at run time.

The projection is plate carrée (longitude and latitude as x and y), which needs no
library and keeps every country recognisable at this scale; Antarctica is left out."""

import json
from functools import lru_cache
from pathlib import Path

from django_countries import countries as country_registry

GENERATED = Path(__file__).resolve().parent / "generated" / "world-110m.json"
WIDTH, HEIGHT = 1000, 420  # longitude -180..180, latitude 84..-60
TOP, BOTTOM = 84.0, -60.0
# Shapes whose ISO numeric code Natural Earth leaves out.
BY_NAME = {"Kosovo": "XK", "N. Cyprus": "", "Somaliland": "", "Antarctica": ""}


def project(lon, lat):
    x = (lon + 180.0) / 360.0 * WIDTH
    y = (TOP - max(min(lat, TOP), BOTTOM)) / (TOP - BOTTOM) * HEIGHT
    return round(x, 1), round(y, 1)


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(project(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def path_data(geometry, arcs):
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = ring_points(ring, arcs)
            if len(points) < 3:
                continue
            # A ring that crosses the date line (Russia, Fiji) is split there, so no line
            # runs across the whole map.
            drawn = [f"M{points[0][0]:g} {points[0][1]:g}"]
            for (x0, _y0), (x, y) in zip(points, points[1:], strict=False):
                drawn.append(f"{'M' if abs(x - x0) > WIDTH / 2 else 'L'}{x:g} {y:g}")
            parts.append("".join(drawn) + "Z")
    return "".join(parts)


def convert(topology):
    """{ISO alpha-2 code: SVG path data} from world-atlas's countries TopoJSON."""
    arcs = decode_arcs(topology)
    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        code = BY_NAME.get(name)
        if code is None:
            code = country_registry.alpha2(geometry.get("id") or "") or ""
        if not code or code == "AQ" or "arcs" not in geometry:
            continue
        shapes[code] = shapes.get(code, "") + path_data(geometry, arcs)
    return shapes


@lru_cache(maxsize=1)
def shapes():
    """The converted shapes, or {} when `build_world_map` has not been run."""
    try:
        return json.loads(GENERATED.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def world_map(counts, names, url_for):
    """The map's context: every country with records as a link shaded by its count (in
    four steps), the rest as one background shape. `counts` {code: (projects,
    partnerships)}."""
    data = shapes()
    if not data:
        return None
    totals = {code: sum(values) for code, values in counts.items() if sum(values)}
    peak = max(totals.values(), default=0)
    linked = []
    for code, total in sorted(totals.items(), key=lambda item: names.get(item[0], item[0])):
        if code not in data:
            continue
        step = 1 + min(3, (4 * (total - 1)) // peak) if peak > 1 else 1
        projects, partnerships = counts[code]
        linked.append(
            {
                "code": code,
                "name": names.get(code, code),
                "d": data[code],
                "step": step,
                "projects": projects,
                "partnerships": partnerships,
                "url": url_for(code),
            }
        )
    return {"width": WIDTH, "height": HEIGHT, "countries": linked}


@lru_cache(maxsize=1)
def land():
    """Every country in one grey shape, drawn under the linked ones: made from the same
    file as the shapes and served by a view (pages.views.world_land_svg), so the map needs
    no static file that a deployment could collect before the shapes exist."""
    return land_svg(shapes())


def land_svg(shapes):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}"><path fill="#d5d9de" stroke="#ffffff" '
        f'stroke-width="0.4" d="{"".join(shapes.values())}"/></svg>\n'
    )
