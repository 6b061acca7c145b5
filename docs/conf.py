"""Sphinx configuration of the sseparse documentation.

Why Sphinx (with the furo theme and MyST-Parser for Markdown pages), not MkDocs:

- autodoc imports the package and documents what users import, from the docstrings
  the code already has; those are written in reST (````literal````), which Sphinx
  renders as written;
- the build is strict where it matters: ``-W --keep-going -n`` turns every warning
  into an error, and nitpicky mode (``-n``) reports every cross-reference that does
  not resolve (an API name in a page that no longer exists fails the build);
- it is mature and maintained, whereas Material for MkDocs is in maintenance mode
  (critical fixes only, its team now works on Zensical) and MkDocs 1.x itself is
  no longer developed;
- MyST-Parser keeps every page in Markdown, so pages read well on a forge too and a
  plain Markdown page (recipes, reconnection) joins the site as it is.

The build needs nothing from the network: no intersphinx inventories (the standard
library names below are ignored by nitpicky mode instead), no web fonts (furo uses
the system's), no diagram service (diagrams are text), and the performance plots are
committed files rendered from committed data by ``docs/perf_plots.py``.
"""

from __future__ import annotations

import os
import sys

# Document the pure-Python parser: the compiled one behaves identically (the test
# suite proves it) but its methods carry no signatures, and the docs must not depend
# on whether the extension was built where they are built.
os.environ["SSEPARSE_NO_EXTENSIONS"] = "1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # the checkout being documented, whatever else is installed

import sseparse

project = "sseparse"
author = "the sseparse authors"
copyright = "the sseparse authors"
version = release = sseparse.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "README.md",  # about building the docs, for contributors; not a page of the site
    "_static/**",  # generated fragments are included into pages, not pages themselves
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

nitpicky = True
# No intersphinx (it would fetch inventories over the network): standard-library and
# third-party names in signatures stay unlinked, on purpose.
nitpick_ignore_regex = [
    ("py:class", r"(collections\.abc|typing|types|asyncio|os|io)\..*"),
    (
        "py:class",
        r"(Iterable|Iterator|AsyncIterable|AsyncIterator|Generator|AsyncGenerator|Sequence)",
    ),
    ("py:class", r"(Any|Literal|TypeAlias|Final|ClassVar|BinaryIO|NoReturn)"),
    (
        "py:class",
        r"(bytes|bytearray|memoryview|str|int|float|bool|dict|list|tuple|object|None)",
    ),
    ("py:class", r"attrs?\..*"),
    # the type aliases of the drivers' signatures (documented in their docstrings)
    ("py:class", r"(sseparse\._drivers\.)?(Fragment|OnIncomplete|OnCut)"),
]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = (
    False  # True shows attrs defaults as attr_dict[...] expressions
)
autodoc_default_options = {"members": True, "undoc-members": False}
add_module_names = False
python_use_unqualified_type_names = True

html_theme = "furo"
html_title = f"sseparse {release}"
html_static_path = ["_static"]
html_theme_options = {"navigation_with_keys": True}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
