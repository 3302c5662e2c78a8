"""Adds the django-oscar plugin (integrations/oscar, packaged on its own too) to this distribution.

setup.cfg holds everything else; the `oscar` extra brings the plugin's dependencies, so
`pip install -e '.[oscar]'` makes `oscar_erp` importable beside the middleware.
"""

from setuptools import find_packages, setup

PLUGIN = "integrations/oscar"
setup(
    packages=find_packages(include=["middleware", "middleware.*", "erpsim", "erpsim.*"])
    + find_packages(PLUGIN, include=["oscar_erp", "oscar_erp.*"]),
    package_dir={"oscar_erp": f"{PLUGIN}/oscar_erp"},
    # templates and assets live in sub-folders, which setup.cfg's `* = *.html, ...` never reached
    package_data={
        "oscar_erp": ["templates/**/*.html"],
        "middleware.admin": ["templates/**/*.html", "static/*"],
    },
)
