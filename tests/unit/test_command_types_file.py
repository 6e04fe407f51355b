"""The PWA's list of command types (labelled in zh-CN, checked by Vitest) is the server's registry."""

from __future__ import annotations

from scripts.command_types import TARGET, command_types, rendered


def test_the_pwa_lists_every_command_type_the_server_registers():
    assert TARGET.read_text(encoding="utf-8") == rendered(), "run: .venv/bin/python scripts/command_types.py"


def test_the_list_names_the_late_entry_commands_the_bureau_saw_raw():
    types = command_types()
    assert types["lockout.verify_zero_energy"] == "lockout"
    assert types["lockout.apply_lock"] == "lockout"
    assert types["hazard.report"] == "hazard"
