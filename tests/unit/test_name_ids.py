"""The fast UUIDv5 text is exactly the standard library's, for any namespace and name."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from sync.name_ids import uuid5_text


@given(st.uuids(), st.text())
def test_it_equals_uuid5_of_the_standard_library(namespace, name):
    # Lone surrogates cannot be encoded; ids are made from ids and keys, which never hold them.
    name = name.encode("utf-8", "replace").decode()
    assert uuid5_text(namespace, name) == str(uuid.uuid5(namespace, name))
