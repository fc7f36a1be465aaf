import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pages.worldmap import GENERATED, convert

PACKAGE = "world-atlas@2.0.2"


class Command(BaseCommand):
    help = (
        "Convert Natural Earth's country shapes from the npm package world-atlas into the "
        "path data of the site's world map (pages/generated/, not kept in git)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            help="a countries-110m.json already on disk, instead of `npm pack`",
        )

    def handle(self, *args, source=None, **options):
        with tempfile.TemporaryDirectory() as folder:
            if source is None:
                npm = shutil.which("npm")
                if not npm:
                    raise CommandError(
                        "npm is needed to fetch the map shapes (apt-get install npm)."
                    )
                subprocess.run(
                    [npm, "pack", PACKAGE, "--silent", "--pack-destination", folder],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
                archive = next(Path(folder).glob("world-atlas-*.tgz"))
                with tarfile.open(archive) as tar:
                    member = tar.getmember("package/countries-110m.json")
                    topology = json.load(tar.extractfile(member))
            else:
                topology = json.loads(Path(source).read_text(encoding="utf-8"))
        shapes = convert(topology)
        GENERATED.parent.mkdir(parents=True, exist_ok=True)
        GENERATED.write_text(json.dumps(shapes, separators=(",", ":")), encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(f"{len(shapes)} countries written to {GENERATED.name}.")
        )
