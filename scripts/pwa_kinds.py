"""Write pwa/src/inbox/kinds.json from the server's notification kinds: the PWA's list has one source."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.rules.notification_kinds import kinds_document  # noqa: E402

TARGET = ROOT / "pwa" / "src" / "inbox" / "kinds.json"


def rendered() -> str:
    """Return the file's text as it must be (tests compare the committed file with it)."""
    return json.dumps(kinds_document(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    TARGET.write_text(rendered(), encoding="utf-8")
    print(f"wrote {len(kinds_document())} notification kinds to {TARGET.relative_to(ROOT)}")
