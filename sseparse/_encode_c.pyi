def encode_event(
    data: str | None = None,
    *,
    event: str | None = None,
    id: str | None = None,  # noqa: A002
    retry: int | None = None,
    comment: str | None = None,
) -> bytes: ...
