"""The one build step pyproject.toml cannot say: the top-level ``resources/`` folder (demo
data, PRISMA template, icons) ships inside the package as ``screener/resources/``, so an
installed Screener finds it (``screener.paths.resource_root``). The repository keeps
``resources/`` at the top, beside ``screener/``; ``screenshots/`` is for the README only and
stays out. Everything else about the build is in pyproject.toml."""

from setuptools import find_namespace_packages, find_packages, setup

SHIPPED = ["demo*", "prisma*", "icons*"]  # folders of resources/ the app reads at run time
RESOURCES = ["screener.resources"] + [
    f"screener.resources.{name}" for name in find_namespace_packages(where="resources", include=SHIPPED)
]

setup(
    packages=[*find_packages(include=["screener*"]), *RESOURCES],
    package_dir={"screener.resources": "resources"},
    package_data={
        "screener": ["store/migrations/*.py", "store/migrations/*.mako", "store/migrations/versions/*.py"],
        **{name: ["*"] for name in RESOURCES[1:]},
    },
)
