"""The snapshot's positional builders (pure-Python and compiled) equal the attrs
``__init__`` they replace, and the cheap close of a stream gives the result built the
slow way."""

from __future__ import annotations

import gc
import json
import platform
import sys
import weakref

import attrs
import pytest

import sseparse
import sseparse._completion as completion_module
from sseparse import Choice, Completion, IncompleteStreamError, TextDelta, ToolCall, Usage
from sseparse._accumulator import error_entry
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


# -- the compiled builder, the cheap close of a cut stream -----------------------------


#: Every frozen value class a positional builder may build.
VALUE_CLASSES = [Usage, ToolCall, Choice, Completion] + [
    getattr(sseparse, name)
    for name in sseparse.__all__
    if (name.endswith("Delta") and name != "Delta") or name in ("ToolCallStart", "ToolCallUpdate", "ToolCallEnd")
]


def _builders(cls: type) -> list:
    """The pure-Python builder, and the compiled one when the extensions are in use."""
    found = [_positional_init(cls, compiled=False)]
    if completion_module._SlotBuilder is not None:
        found.append(_positional_init(cls))
        assert type(found[-1]) is completion_module._SlotBuilder
    return found


@pytest.mark.parametrize("cls", VALUE_CLASSES, ids=lambda cls: cls.__name__)
def test_every_builder_equals_the_attrs_init(cls: type) -> None:
    fields = attrs.fields(cls)
    given = [object() if i % 2 else f"value {i}" for i in range(len(fields))]
    reference = cls(**{f.name: value for f, value in zip(fields, given)})  # Completion is keyword-only
    for build in _builders(cls):
        built = build(*given)
        assert type(built) is cls and built == reference and hash(built) == hash(reference)
        assert all(getattr(built, f.name) is value for f, value in zip(fields, given))
        assert gc.is_tracked(built) == gc.is_tracked(reference)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(built, fields[0].name, 1)
        with pytest.raises(TypeError):
            build(*given[:-1])
        with pytest.raises(TypeError):
            build(*given, None)
        with pytest.raises(TypeError):  # positional only, in both builders
            build(*given[:-1], **{fields[-1].name: given[-1]})


def test_the_compiled_builder_holds_one_reference_per_field() -> None:
    marker = object()
    before = sys.getrefcount(marker)
    for build in _builders(ToolCall):
        built = [build(1, marker, "n", "{}", "function", marker) for _ in range(1000)]
        assert sys.getrefcount(marker) == before + 2000
        del built
        gc.collect()
        assert sys.getrefcount(marker) == before
    # And the objects go when they are no longer used, weak references included.
    for build in _builders(TextDelta):
        built = build(0, "x")
        ref = weakref.ref(built)
        del built
        assert ref() is None


@pytest.mark.skipif(completion_module._SlotBuilder is None, reason="the compiled builder is not built or not in use")
@pytest.mark.parametrize("cls", VALUE_CLASSES, ids=lambda cls: cls.__name__)
def test_the_compiled_builder_called_both_ways_alike(cls: type) -> None:
    # A call from Python or compiled code takes the builder's vectorcall (no argument
    # tuple); type.__call__ takes its __call__: the same objects, the same refusals.
    build = _positional_init(cls)
    count = len(attrs.fields(cls))
    given = [f"value {i}" for i in range(count)]
    if platform.python_implementation() == "CPython":
        assert type(build).__flags__ & (1 << 11)  # Py_TPFLAGS_HAVE_VECTORCALL
    through_call = type(build).__call__
    assert through_call(build, *given) == build(*given) == _positional_init(cls, compiled=False)(*given)
    for args, kwargs in (
        (given[:-1], {}), ([*given, None], {}), ([], {}), (given[:-1], {"x": given[-1]}), (given, {"x": 1}),
    ):
        errors = []
        for call in (lambda: build(*args, **kwargs), lambda: through_call(build, *args, **kwargs)):
            with pytest.raises(TypeError) as caught:
                call()
            errors.append(str(caught.value))
        if not kwargs:
            assert errors[0] == errors[1]  # (the count given, in the same words)
    uninitialised = type(build).__new__(type(build))
    with pytest.raises(TypeError, match="__init__ was not called"):
        uninitialised()


@pytest.mark.skipif(completion_module._SlotBuilder is None, reason="the compiled builder is not built or not in use")
def test_the_compiled_builder_refuses_what_it_cannot_build() -> None:
    class Plain:
        def __init__(self) -> None:
            self.a = 1

    class WithNew:
        __slots__ = ("a",)

        def __new__(cls) -> WithNew:
            return object.__new__(cls)

    class Base:
        __slots__ = ("a",)

    class Derived(Base):
        __slots__ = ("b",)

    for cls, names in ((Plain, ["a"]), (WithNew, ["a"]), (Derived, ["a", "b"]), (Base, ["a", "__class__"])):
        with pytest.raises(TypeError):
            completion_module._SlotBuilder(cls, names)
    assert completion_module._SlotBuilder(Derived, ["b"])(2).b == 2


def _completion_cases() -> list[tuple[list[object], dict[str, object]]]:
    """(choices, the other arguments) of ``completion_of``: no choice, one, several, a
    choice of another class and one with a slot left unset."""
    full = Choice(
        0, "text", "thought", "no", [ToolCall(0, "c", "f", "{}")], ToolCall(0, None, "g", "[]"), "stop",
        {"content": []}, [{"type": "text"}],
    )
    unset = object.__new__(Choice)  # (no __init__: every slot unset)

    @attrs.frozen
    class Other:  # duck-typed: what reading each attribute gives
        content: str = "o"
        reasoning: str = ""
        refusal: str = ""
        tool_calls: list[object] = attrs.Factory(list)
        function_call: object = None
        finish_reason: str | None = "length"
        logprobs: object = None
        blocks: list[object] = attrs.Factory(list)

    rest = dict(
        dialect="openai-chat", id="i", model="m", created=1, system_fingerprint="fp", usage=Usage(1, 2, 3, {}),
        complete=True, error={"type": "x"}, extra={"k": 1},
    )
    return [([], rest), ([full], rest), ([full, Choice(1, "b")], {**rest, "id": None}), ([Other()], rest),
            ((full,), rest), ([unset], rest)]  # (a tuple: what from_choices is given stays as given)


@pytest.mark.parametrize("case", range(len(_completion_cases())))
def test_completion_of_compiled_equals_the_pure_one(case: int) -> None:
    if completion_module.completion_of is completion_module.pure_completion_of:
        pytest.skip("the compiled completion_of is not built or not in use")
    choices, rest = _completion_cases()[case]
    args = (rest["dialect"], choices, rest["id"], rest["model"], rest["created"], rest["system_fingerprint"],
            rest["usage"], rest["complete"], rest["error"], rest["extra"])
    outcomes = []
    for build in (completion_module.completion_of, completion_module.pure_completion_of):
        try:
            outcomes.append(build(*args))
        except AttributeError as exc:  # a slot left unset: the same error both ways
            outcomes.append(type(exc))
    compiled, pure = outcomes
    assert compiled == pure
    if isinstance(compiled, Completion):
        assert type(compiled) is Completion
        assert compiled.choices is choices and compiled.extra is rest["extra"]  # held, not copied
        if not choices:  # lists of its own, not shared with another result
            again = completion_module.completion_of(*args)
            assert compiled.tool_calls == [] and compiled.tool_calls is not again.tool_calls
            assert compiled.blocks is not again.blocks


def test_completion_of_compiled_refuses_what_is_not_the_builders() -> None:
    if completion_module.completion_of is completion_module.pure_completion_of:
        pytest.skip("the compiled completion_of is not built or not in use")
    from sseparse import _values_c  # noqa: PLC0415  (only when built)
    pure = completion_module.pure_completion_of
    with pytest.raises(TypeError, match="not the builders"):
        _values_c.bind_completion(completion_module.make_choice, completion_module.make_choice, pure)
    with pytest.raises(TypeError):
        _values_c.bind_completion(None, completion_module.make_choice, pure)
    with pytest.raises(TypeError):
        _values_c.bind_completion(completion_module._new_completion, completion_module.make_choice, None)


def _first_events() -> dict[str, bytes]:
    """The first event of a stream of each dialect (a stream of one event is cut)."""
    return {
        "openai-chat": b'data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":'
        b'[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}]}\n\n',
        "anthropic": b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg","type":"message",'
        b'"role":"assistant","model":"claude","content":[],"stop_reason":null,"stop_sequence":null,'
        b'"usage":{"input_tokens":12,"output_tokens":1}}}\n\n',
        "openai-responses": b'event: response.created\ndata: {"type":"response.created","sequence_number":0,'
        b'"response":{"id":"resp","object":"response","model":"gpt","status":"in_progress","output":[]}}\n\n',
        "gemini": b'data: {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],'
        b'"modelVersion":"gemini","responseId":"r"}\n\n',
    }


@pytest.mark.parametrize("dialect", list(_first_events()))
@pytest.mark.parametrize("named", [True, False], ids=["named", "auto"])
@pytest.mark.parametrize("cut_inside", [False, True], ids=["between", "inside"])
def test_a_cut_stream_closes_to_the_result_built_the_slow_way(
    implementation: str, dialect: str, named: bool, cut_inside: bool
) -> None:
    data = _first_events()[dialect]
    if cut_inside:
        data += b'data: {"cut'
    acc = sseparse.Accumulator(dialect if named else "auto", implementation=implementation)
    acc.feed(data)
    final = acc.close()
    assert acc.close() is final and acc.completion is final  # built once
    assert final.dialect == dialect and not final.complete
    # The error entry is error_entry() of the IncompleteStreamError, which is built
    # when read, once, and carries the result.
    cut = acc.cut
    assert isinstance(cut, IncompleteStreamError) and acc.cut is cut and cut.completion is final
    assert final.error == error_entry(cut) and final.error["type"] == "incomplete_stream"
    assert (cut.pending is not None) == cut_inside
    # The same fields as the attrs __init__ builds, the choices too, and as plain data.
    slow = Completion(**{f.name: getattr(final, f.name) for f in attrs.fields(Completion)})
    assert slow == final
    assert [Choice(**{f.name: getattr(c, f.name) for f in attrs.fields(Choice)}) for c in final.choices] == final.choices
    assert json.loads(json.dumps(final.to_dict())) == final.to_dict()


def test_a_failed_stream_closes_to_the_result_the_error_carried(implementation: str) -> None:
    acc = sseparse.Accumulator("openai-chat", implementation=implementation)
    acc.feed(_first_events()["openai-chat"])
    with pytest.raises(sseparse.ChunkDecodeError) as raised:
        acc.feed(b"data: {oops\n\n")
    final = acc.close()
    assert final is raised.value.completion and acc.cut is None
    assert final.error is not None and final.error["type"] == "chunk_decode_error" and final.id == "c"


@pytest.mark.parametrize("dialect", ["auto", "openai-chat"])
def test_an_empty_stream_has_lists_of_its_own(implementation: str, dialect: str) -> None:
    first = sseparse.Accumulator(dialect, implementation=implementation).close()
    second = sseparse.Accumulator(dialect, implementation=implementation).close()
    assert first == second and first.error is not None and first.error["type"] == "incomplete_stream"
    assert first.tool_calls is not second.tool_calls and first.blocks is not second.blocks
    assert Completion.from_choices("gemini", []).tool_calls is not Completion.from_choices("gemini", []).tool_calls


def test_accumulator_arguments_are_checked_every_time() -> None:
    for _ in range(2):  # the second time from the setup kept for the first
        with pytest.raises(sseparse.DialectError, match="unknown dialect"):
            sseparse.Accumulator("nope")  # type: ignore[arg-type]
        with pytest.raises(sseparse.DialectError, match="unknown dialect"):
            sseparse.Accumulator(["openai-chat"])  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="implementation"):
            sseparse.Accumulator("openai-chat", implementation="fast")  # type: ignore[arg-type]
        assert sseparse.Accumulator("anthropic", implementation="python").dialect == "anthropic"


def test_an_ended_stream_read_before_close_is_not_built_again(implementation: str) -> None:
    acc = sseparse.Accumulator("openai-chat", implementation=implementation)
    acc.feed(_first_events()["openai-chat"] + b'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n')
    acc.feed(b"data: [DONE]\n\n")
    read = acc.completion
    assert read.complete and read.content == "hi"
    assert acc.close() is read and acc.completion is read
    # Not ended: close() says the stream was cut, a new result.
    acc = sseparse.Accumulator("openai-chat", implementation=implementation)
    acc.feed(_first_events()["openai-chat"])
    read = acc.completion
    final = acc.close()
    assert final is not read and read.error is None and final.error is not None and not final.complete
