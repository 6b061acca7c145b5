"""The snapshot's positional builders equal the attrs ``__init__`` they replace."""

from __future__ import annotations

import attrs
import pytest

from sseparse import Choice, Completion, ToolCall, Usage
from sseparse._completion import _new_completion, _positional_init, make_choice


def test_make_choice_equals_the_attrs_init_for_every_field() -> None:
    values = dict(
        index=2, content="a", reasoning="b", refusal="c", tool_calls=[ToolCall(0, "id", "f", "{}")],
        function_call=ToolCall(0, None, "g", "[]"), finish_reason="stop", logprobs={"content": []},
        blocks=[{"type": "text"}],
    )
    built = make_choice(*values.values())
    assert built == Choice(**values)
    assert [f.name for f in attrs.fields(Choice)] == list(values)  # every field, in order
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.content = "x"  # type: ignore[misc]


def test_new_completion_equals_the_attrs_init_for_every_field() -> None:
    values = dict(
        dialect="openai-chat", id="i", model="m", created=1, system_fingerprint="fp", content="a", reasoning="b",
        refusal="c", tool_calls=[], function_call=None, finish_reason="length", logprobs=None,
        usage=Usage(1, 2, 3, {}), complete=True, error={"type": "x"}, choices=[Choice(0)], blocks=[], extra={"k": 1},
    )
    built = _new_completion(*values.values())
    assert built == Completion(**values)
    assert [f.name for f in attrs.fields(Completion)] == list(values)
    assert type(built) is Completion


def test_from_choices_mirrors_the_first_choice_and_defaults_the_rest() -> None:
    first = Choice(0, "text", finish_reason="stop", blocks=[{"type": "text", "text": "text"}])
    built = Completion.from_choices("anthropic", [first, Choice(1, "other")], id="msg", complete=True)
    assert built == Completion(
        dialect="anthropic", id="msg", content="text", finish_reason="stop", complete=True,
        choices=[first, Choice(1, "other")], blocks=[{"type": "text", "text": "text"}],
    )
    assert Completion.from_choices("gemini", []).extra == {}


def test_positional_init_refuses_a_class_with_validators() -> None:
    @attrs.frozen
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    with pytest.raises(TypeError, match="validators"):
        _positional_init(Checked)


def test_the_fast_path_delta_builders_equal_the_attrs_init() -> None:
    from sseparse import ReasoningDelta, TextDelta, ToolCallArgumentsDelta
    from sseparse._completion import new_arguments_delta, new_reasoning_delta, new_text_delta

    assert new_text_delta(1, "é") == TextDelta(1, "é") and type(new_text_delta(0, "")) is TextDelta
    assert new_reasoning_delta(0, "r") == ReasoningDelta(0, "r")
    assert new_arguments_delta(2, 3, '{"a"') == ToolCallArgumentsDelta(2, 3, '{"a"')
    assert hash(new_text_delta(1, "x")) == hash(TextDelta(1, "x"))
