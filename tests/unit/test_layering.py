"""Only sarah/ui imports Qt: the engine must run on a server or in a script without a screen."""

from __future__ import annotations

import ast
from pathlib import Path

import sarah

PACKAGE = Path(sarah.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_module_outside_ui_imports_qt() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "ui" not in p.relative_to(PACKAGE).parts[:1] and "PySide6" in _imports(p)
    ]
    assert offenders == []


def test_the_check_would_see_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6" in _imports(sample)


# --- the direction of dependencies: ui -> services -> (reports, models, exports) -> db ---------


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _sarah_imports(path: Path) -> set[str]:
    """Every sarah module ``path`` imports, at the top or inside a function."""
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = {  # `if TYPE_CHECKING:` blocks are read by mypy, never run
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "sarah")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != "sarah":
                continue
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)  # `from pkg import module`
    return found


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _imports_of(prefix: str) -> dict[str, set[str]]:
    return {
        name: {m for m in _sarah_imports(path) if m in MODULES or m.rsplit(".", 1)[0] in MODULES}
        for name, path in MODULES.items()
        if name == prefix or name.startswith(prefix + ".")
    }


def _offenders(low: str, high: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{name} -> {m}"
        for name, imported in _imports_of(low).items()
        for m in imported
        if any(m == h or m.startswith(h + ".") for h in high)
    )


LOW_LAYERS = (
    "sarah.db",
    "sarah.dbfile",
    "sarah.models",
    "sarah.schema",
    "sarah.exports",
    "sarah.reports",
    "sarah.vocabulary",
    "sarah.errors",
    "sarah.paths",
    "sarah.checked_files",
    "sarah.calendar_fr",
    "sarah.settings",
)


def test_lower_layers_never_import_services_or_ui() -> None:
    offenders = [o for low in LOW_LAYERS for o in _offenders(low, ("sarah.services", "sarah.ui"))]
    assert offenders == []


def test_services_never_import_ui_or_commands() -> None:
    assert _offenders("sarah.services", ("sarah.ui", "sarah.commands")) == []


def test_ui_never_touches_the_orm() -> None:
    offenders = sorted(
        str(p.relative_to(PACKAGE))
        for p in (PACKAGE / "ui").rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom | ast.Import)
        and any(
            name == "sqlalchemy.orm"
            or name.startswith(("sqlalchemy.orm.", "sarah.models", "sarah.schema"))
            for name in (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
            )
        )
    )
    assert offenders == []


def test_the_core_tables_need_no_orm() -> None:
    """sarah.schema is what a quick command reads through; the ORM is for writing."""
    tree = ast.parse((PACKAGE / "schema.py").read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
    }
    assert modules and not {m for m in modules if m and m.startswith("sqlalchemy.orm")}


def _cycle() -> list[str] | None:
    graph = {
        name: {m if m in MODULES else m.rsplit(".", 1)[0] for m in imported} - {name}
        for name, imported in _imports_of("sarah").items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + "."):
                continue  # a package importing its own modules (its __init__)
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if state.get(start) is None and (found := visit(start)):
            return found
    return None


def test_no_import_cycle_in_sarah() -> None:
    assert _cycle() is None


MAX_LINES = 500  # aim for ~450: split a module by job before it reaches this


def test_no_module_is_a_house_of_its_own() -> None:
    sizes = {
        str(p.relative_to(PACKAGE).as_posix()): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    too_long = sorted(f"{name}: {n} lines" for name, n in sizes.items() if n > MAX_LINES)
    assert too_long == []


def test_tests_mirror_the_package() -> None:
    """tests/unit/<package>/ and tests/ui/<feature>/ name a folder of sarah/ (or of sarah/ui/):
    the tests of a module are found where the module is."""
    tests = Path(__file__).resolve().parents[1]
    strays = [
        str(d.relative_to(tests))
        for top, mirrored in (("unit", PACKAGE), ("ui", PACKAGE / "ui"))
        for d in (tests / top).rglob("*")
        if d.is_dir()
        and d.name != "__pycache__"
        and not (mirrored / d.relative_to(tests / top)).is_dir()
    ]
    assert strays == []


def test_the_window_writes_its_state_colours_once() -> None:
    """Errors, success, warnings and hints have one colour each, in sarah/ui/style.py; the
    reds and greens the screens used to pick for themselves are gone."""
    from sarah.ui import style

    palette = {style.ERROR_COLOUR, style.SUCCESS_COLOUR, style.WARNING_COLOUR, style.HINT_COLOUR}
    former = {"#b91c1c", "#7f1d1d", "#14532d"}
    offenders = sorted(
        f"{p.relative_to(PACKAGE)}: {colour}"
        for p in (PACKAGE / "ui").rglob("*.py")
        if p.name != "style.py"
        for colour in palette | former
        if colour in p.read_text(encoding="utf-8").lower()
    )
    assert offenders == []


def test_every_qt_model_lives_in_table_models() -> None:
    """A screen's folder holds its views; the models they show are in sarah/ui/table_models/."""
    offenders = sorted(
        f"{p.relative_to(PACKAGE)}: {node.name}"
        for p in (PACKAGE / "ui").rglob("*.py")
        if "table_models" not in p.parts
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).split("[")[0].endswith("Model") for base in node.bases)
    )
    assert offenders == []
