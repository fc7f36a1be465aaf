"""Dependencies run one way (README, "Architecture"): core at the bottom, reference data
above it, the feature apps above that, the site's own pages on top, and the operational
commands (ops) and the project package (settings, URLs) over all. Nothing imports a
higher layer, and the feature apps do not import each other."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "core": 0,
    "reference": 1,
    "projects": 2,
    "partnerships": 2,
    "pages": 3,
    "opendata": 3,
    "corrections": 3,
    "ops": 4,
    "skrsite": 4,
}


# URL namespaces and the package whose URLs they are: reverse("pages:…") from a lower
# layer depends on the pages as much as an import does.
NAMESPACES = {
    "pages": "pages",
    "projects": "projects",
    "partnerships": "partnerships",
    "opendata": "opendata",
    "api-v1": "opendata",
    "corrections": "corrections",
}


def imports_of(path):
    """Top-level project packages imported anywhere in the file (functions included), and
    those whose URL names the file reverses."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in ("reverse", "reverse_lazy")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            namespace = node.args[0].value.partition(":")[0]
            if namespace in NAMESPACES:
                found.add(NAMESPACES[namespace])
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return found


def violations():
    problems = []
    for package, layer in LAYERS.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for imported in imports_of(path):
                other = LAYERS[imported]
                if other > layer or (other == layer and imported != package):
                    problems.append(f"{path.relative_to(ROOT)} imports {imported}")
    return problems


def test_no_layer_imports_a_higher_one():
    assert violations() == []


@pytest.mark.parametrize(
    "package,source,expected",
    [
        ("core", "from reference.models import Goal\n", "imports reference"),
        ("reference", "def f():\n    from projects.models import Project\n", "imports projects"),
        ("projects", "import partnerships.models\n", "imports partnerships"),
        ("reference", "def url(o):\n    return reverse('pages:goal-detail')\n", "imports pages"),
    ],
)
def test_the_check_catches_an_upward_import(tmp_path, monkeypatch, package, source, expected):
    # The same check over a copy of one package with one bad import added.
    fake_root = tmp_path
    (fake_root / package).mkdir()
    (fake_root / package / "bad.py").write_text(source, encoding="utf-8")
    for other in LAYERS:
        (fake_root / other).mkdir(exist_ok=True)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake_root)
    assert any(expected in problem for problem in violations())
