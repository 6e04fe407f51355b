"""The unified social credit code (GB 32100-2015) check character and validity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.rules.uscc import ALPHABET, check_character, is_valid_uscc

DOMAIN_EXAMPLES = ("91350100M000100Y43", "91512081MA62K0260E")


@pytest.mark.parametrize("code", DOMAIN_EXAMPLES)
def test_domain_examples_are_valid(code):
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", DOMAIN_EXAMPLES)
def test_check_character_of_domain_examples_is_their_last_character(code):
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", DOMAIN_EXAMPLES)
def test_every_wrong_check_character_is_rejected(code):
    for wrong in ALPHABET.replace(code[17], ""):
        assert not is_valid_uscc(code[:17] + wrong)


def test_a_changed_body_character_breaks_the_checksum():
    code = DOMAIN_EXAMPLES[0]
    changed = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]
    assert not is_valid_uscc(changed)


def test_alphabet_has_31_characters_without_i_o_z_s_v():
    assert len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters_make_a_code_invalid(letter):
    code = DOMAIN_EXAMPLES[1]
    assert not is_valid_uscc(code[:8] + letter + code[9:])


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y430", "9135010"])
def test_wrong_length_is_invalid(code):
    assert not is_valid_uscc(code)


def test_lowercase_and_non_strings_are_invalid():
    assert not is_valid_uscc(DOMAIN_EXAMPLES[1].lower())
    assert not is_valid_uscc(None)
    assert not is_valid_uscc(913501001)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_check_character_always_makes_a_valid_code(first17):
    assert is_valid_uscc(first17 + check_character(first17))


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.sampled_from(ALPHABET))
def test_exactly_one_check_character_is_valid(first17, last):
    assert is_valid_uscc(first17 + last) == (last == check_character(first17))
