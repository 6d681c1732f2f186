"""The packages' imports point one way: no cycles, and no layer reaching up.

The graph is read from the source with `ast`, so an import inside a function (the
usual way to dodge a cycle at import time) counts like any other. Imports under
`if TYPE_CHECKING:` do not run and are left out.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("factcheck", "newsroom")


def module_files() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_nodes(tree: ast.AST):
    """Every import statement, at any depth, except those only type checkers run."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if is_type_checking_block(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def known(name: str, modules: dict[str, Path]) -> str | None:
    """The module `name` names, or the package it lies in, if it is one of ours."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in import_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                if node.module:
                    base.append(node.module)
                source = ".".join(base)
            else:
                source = node.module
            # `from factcheck import tasks` imports the module factcheck.tasks;
            # `from factcheck.models import Claim` imports factcheck.models.
            targets = [
                f"{source}.{alias.name}"
                if f"{source}.{alias.name}" in modules
                else source
                for alias in node.names
            ]
        for target in targets:
            resolved = known(target, modules)
            if resolved and resolved != module:
                found.add(resolved)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {
        module: imported_modules(module, path, modules)
        for module, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                lowlink[node] = min(lowlink[node], lowlink[target])
            elif target in on_stack:
                lowlink[node] = min(lowlink[node], index[target])
        if lowlink[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [cycle_within(group, graph) for group in groups]


def cycle_within(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    raise AssertionError(f"no cycle in {group}")  # Tarjan's groups always have one


def reachable(graph: dict[str, set[str]], module: str) -> dict[str, list[str]]:
    """Every module `module` imports, directly or through others, with a path."""
    paths = {module: [module]}
    queue = [module]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node]):
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    return paths


def in_layer(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def reaching_up(lower: str, uppers: tuple[str, ...]) -> list[str]:
    graph = import_graph()
    found = []
    for module in sorted(graph):
        if not in_layer(module, lower):
            continue
        for target, path in reachable(graph, module).items():
            if any(in_layer(target, upper) for upper in uppers):
                found.append(" -> ".join(path))
    return found


def test_it_finds_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_it_sees_a_cycle_made_by_a_function_local_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_it_reads_relative_and_function_local_imports(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("def f():\n    from . import two\n")
    (package / "two.py").write_text("from .one import f\nimport pkg.three\n")
    (package / "three.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import one\n"
    )
    modules = {"pkg": package / "__init__.py"} | {
        f"pkg.{name}": package / f"{name}.py" for name in ("one", "two", "three")
    }
    assert imported_modules("pkg.one", modules["pkg.one"], modules) == {"pkg.two"}
    assert imported_modules("pkg.two", modules["pkg.two"], modules) == {
        "pkg.one",
        "pkg.three",
    }
    assert imported_modules("pkg.three", modules["pkg.three"], modules) == set()


def assert_never_reaches(lower: str, uppers: tuple[str, ...]) -> None:
    found = reaching_up(lower, uppers)
    assert not found, "imports pointing back up:\n" + "\n".join(found)


def test_the_services_never_reach_the_public_site():
    assert_never_reaches("factcheck.services", ("factcheck.public",))


def test_the_admin_never_reaches_the_public_site():
    assert_never_reaches("factcheck.admin", ("factcheck.public",))


def test_the_model_layer_never_reaches_the_http_client():
    assert_never_reaches("factcheck.fields", ("factcheck.fetching",))
    assert_never_reaches("factcheck.models", ("factcheck.fetching",))


def test_the_models_never_reach_the_layers_above_them():
    uppers = (
        "factcheck.services",
        "factcheck.admin",
        "factcheck.api",
        "factcheck.public",
        "factcheck.tasks",
    )
    assert_never_reaches("factcheck.models", uppers)


def test_the_outbox_sends_tasks_the_worker_knows_by_those_names():
    from factcheck import tasks
    from factcheck.services import outbox

    assert tasks.archive_source.name == outbox.ARCHIVE_SOURCE
    assert tasks.deliver_webhook.name == outbox.DELIVER_WEBHOOK
    assert tasks.process_intake_article.name == outbox.PROCESS_INTAKE_ARTICLE
