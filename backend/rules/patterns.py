"""Pieces of the regular expressions the schemas publish, meaning the same in Python and JavaScript."""

# Python's `$` also matches before a final newline ("abc\n" would pass); this lookahead is the very end
# in Python and in JavaScript alike, so a pattern in the OpenAPI spec means the same to every client.
TEXT_END = r"(?![\s\S])"
