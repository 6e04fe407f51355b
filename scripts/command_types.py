"""Write pwa/src/i18n/command-types.json: every command type the server registers (the PWA labels them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.sync_setup import COMMAND_SPECS  # noqa: E402

TARGET = ROOT / "pwa" / "src" / "i18n" / "command-types.json"


def command_types() -> dict[str, str]:
    """Map every registered command type to the entity it acts on, sorted by type."""
    return {spec.type: spec.entity for spec in sorted(COMMAND_SPECS, key=lambda s: s.type)}


def rendered() -> str:
    """The file's text: one command type per line, so a new one shows as one added line."""
    return json.dumps(command_types(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    TARGET.write_text(rendered(), encoding="utf-8")
    print(f"wrote {len(command_types())} command types to {TARGET.relative_to(ROOT)}")
