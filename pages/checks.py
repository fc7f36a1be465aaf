"""System checks of the site pages: `manage.py check --deploy` fails when the world map's
shapes are missing, so no deployment loses the map without being told."""

from django.core.checks import Error, Tags, register

from pages.worldmap import GENERATED, shapes


@register(Tags.compatibility, deploy=True)
def world_map_shapes(app_configs=None, **kwargs):
    if shapes():
        return []
    return [
        Error(
            f"The world map's shapes are missing ({GENERATED.name}).",
            hint="Run `python manage.py build_world_map` (it needs npm) before serving.",
            id="pages.E001",
        )
    ]
