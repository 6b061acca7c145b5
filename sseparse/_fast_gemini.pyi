"""Types of the compiled Gemini walker (``_fast_gemini.pyx``).

It has no Python-level interface: the fast path (``_fastpath.FastFeed``) calls its
``take_chunk`` at C level (declared in ``_fast_gemini.pxd``).
"""
