"""Helpers shared by the test modules (``conftest`` puts this folder on ``sys.path``).

``fold(deltas)`` rebuilds, from a stream's deltas alone, everything the SPEC says
they carry; ``view(completion)`` takes the same out of a ``Completion``. The
property "deltas lose nothing" is ``fold(deltas) == view(completion)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import importlib.util

import sseparse

#: The implementations every accumulation check runs on: the compiled one when it is
#: built (the ``implementation`` fixture fails a run that requires it and lacks it).
IMPLEMENTATIONS: tuple[str, ...] = (
    ("cython", "python") if importlib.util.find_spec("sseparse._framing_c") is not None else ("python",)
)


def _choice(choices: dict[int, dict[str, Any]], index: int) -> dict[str, Any]:
    state = choices.get(index)
    if state is None:
        state = choices[index] = {
            "content": [],
            "reasoning": [],
            "refusal": [],
            "tool_calls": {},
            "finish_reason": None,
        }
    return state


def fold(deltas: Iterable[Any]) -> dict[str, Any]:
    """What a consumer that only saw ``deltas`` knows of the answer."""
    choices: dict[int, dict[str, Any]] = {}
    meta: dict[str, Any] = {"id": None, "model": None, "usage": None}
    for delta in deltas:
        kind = type(delta)
        if kind is sseparse.TextDelta:
            _choice(choices, delta.choice)["content"].append(delta.text)
        elif kind is sseparse.ReasoningDelta:
            _choice(choices, delta.choice)["reasoning"].append(delta.text)
        elif kind is sseparse.RefusalDelta:
            _choice(choices, delta.choice)["refusal"].append(delta.text)
        elif kind is sseparse.ToolCallStart:
            calls = _choice(choices, delta.choice)["tool_calls"]
            assert delta.index not in calls, f"a second start for tool call {delta.index}"
            calls[delta.index] = {
                "id": delta.id,
                "name": [delta.name],
                "arguments": [],
                "kind": delta.kind,
                "complete": False,
            }
        elif kind is sseparse.ToolCallUpdate:
            call = _choice(choices, delta.choice)["tool_calls"][delta.index]
            if delta.id is not None:
                call["id"] = delta.id
            call["name"].append(delta.name)
        elif kind is sseparse.ToolCallArgumentsDelta:
            _choice(choices, delta.choice)["tool_calls"][delta.index]["arguments"].append(delta.arguments)
        elif kind is sseparse.ToolCallEnd:
            _choice(choices, delta.choice)["tool_calls"][delta.index]["complete"] = True
        elif kind is sseparse.FinishDelta:
            _choice(choices, delta.choice)["finish_reason"] = delta.finish_reason
        elif kind is sseparse.UsageDelta:
            meta["usage"] = delta.usage
        elif kind is sseparse.MetadataDelta:
            if delta.id is not None:
                meta["id"] = delta.id
            if delta.model is not None:
                meta["model"] = delta.model
    folded_choices = []
    for index in sorted(choices):
        state = choices[index]
        folded_choices.append(
            {
                "index": index,
                "content": "".join(state["content"]),
                "reasoning": "".join(state["reasoning"]),
                "refusal": "".join(state["refusal"]),
                "tool_calls": [
                    (
                        position,
                        call["id"],
                        "".join(call["name"]),
                        "".join(call["arguments"]),
                        call["kind"],
                        call["complete"],
                    )
                    for position, call in sorted(state["tool_calls"].items())
                ],
                "finish_reason": state["finish_reason"],
            }
        )
    return {**meta, "choices": folded_choices}


def _is_empty(choice: dict[str, Any]) -> bool:
    return not (
        choice["content"] or choice["reasoning"] or choice["refusal"] or choice["tool_calls"] or choice["finish_reason"]
    )


def view(completion: sseparse.Completion) -> dict[str, Any]:
    """The part of ``completion`` that ``fold`` rebuilds (choices with nothing in
    them are left out: a choice that only ever sent empty deltas has no delta)."""
    choices = [
        {
            "index": choice.index,
            "content": choice.content,
            "reasoning": choice.reasoning,
            "refusal": choice.refusal,
            "tool_calls": [
                (call.index, call.id, call.name, call.arguments, call.kind, call.complete) for call in choice.tool_calls
            ],
            "finish_reason": choice.finish_reason,
        }
        for choice in completion.choices
    ]
    return {
        "id": completion.id,
        "model": completion.model,
        "usage": completion.usage,
        "choices": [choice for choice in choices if not _is_empty(choice)],
    }


def fold_equals_completion(deltas: Iterable[Any], completion: sseparse.Completion) -> None:
    """Assert that ``deltas`` fold to ``completion`` (empty choices compared away)."""
    folded = fold(deltas)
    folded["choices"] = [choice for choice in folded["choices"] if not _is_empty(choice)]
    assert folded == view(completion)
