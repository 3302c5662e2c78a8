"""The README's two commands stay true: CI runs its test command verbatim, the demo command is the default."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", readme)[:2]


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = _commands()
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_readme_demo_command_installs_and_runs_the_default_command():
    demo, _ = _commands()
    assert "pip install" in demo
    assert demo.endswith("python run.py")
