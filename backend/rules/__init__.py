"""Pure domain rules: standard library only, testable without an app."""
