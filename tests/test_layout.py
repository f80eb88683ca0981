"""The package's layout holds: no import circles, Keras behind one gate."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "skae"


def module_name(path, package):
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path, *, top_level_only=False):
    """Names of the modules ``path`` imports (inside functions too, unless
    ``top_level_only``)."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def import_circle(package):
    """The first import circle among the modules of ``package``, or None."""
    paths = {module_name(p, package): p for p in package.rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        deps = imports(path) & set(paths)
        # Importing skae._keras._x runs skae._keras first; a package's
        # __init__ importing its own modules is no circle.
        deps |= {d.rsplit(".", 1)[0] for d in deps if "." in d} & set(paths)
        graph[name] = {d for d in deps if d != name and not d.startswith(name + ".")}

    def visit(name, path):
        if name in path:
            return [*path[path.index(name) :], name]
        for dep in sorted(graph[name]):
            if circle := visit(dep, [*path, name]):
                return circle
        return None

    for name in sorted(graph):
        if circle := visit(name, []):
            return circle
    return None


def test_no_import_circles():
    circle = import_circle(PACKAGE)
    assert circle is None, " -> ".join(circle)


def test_a_circle_through_a_function_level_import_is_found(tmp_path):
    package = tmp_path / "skae"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from skae import b\n")
    (package / "b.py").write_text("def f():\n    from skae import a\n")
    assert import_circle(package) == ["skae.a", "skae.b", "skae.a"]


def test_only_skae_keras_imports_keras_or_tensorflow_at_import_time():
    for path in PACKAGE.rglob("*.py"):
        if module_name(path, PACKAGE).startswith("skae._keras"):
            continue
        heavy = {
            n
            for n in imports(path, top_level_only=True)
            if n.split(".")[0] in ("keras", "tensorflow")
        }
        assert not heavy, f"{path.name} imports {heavy} at import time"
