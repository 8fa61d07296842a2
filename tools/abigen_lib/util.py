# SPDX-License-Identifier: MIT
"""Naming and text helpers, and writing a file only when it changes.

snake() turns a CamelCase spec name into a C-style snake_case name;
one_line(), paragraphs() and md() reshape doc strings for comments and
Markdown tables; write_if_changed() replaces an output atomically, and only
when its content differs, so the build does not recompile what includes it.
"""

import os
import re
import tempfile


def snake(name, prefixes=None):
    """CamelCase -> snake_case. Runs of capitals are one word (IRQControlGet
    -> irq_control_get, IOPortIn8 -> io_port_in8); a name that starts with a
    type name in `prefixes` uses that type's C name (CNodeCopy -> cnode_copy);
    digits stay with their word unless a capital follows (Frame4K -> frame_4k)."""
    for tname, cname in sorted((prefixes or {}).items(), key=lambda kv: -len(kv[0])):
        if name == tname:
            return cname
        if name.startswith(tname) and name[len(tname)].isupper():
            return cname + "_" + snake(name[len(tname):])
    s = re.sub(r"(?<=[a-z])(?=[0-9]+[A-Z])", "_", name)  # Frame4K -> Frame_4K
    s = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", s)  # IRQControl -> IRQ_Control
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", s)  # SetPriority -> Set_Priority
    return s.lower()


def one_line(text):
    """Collapse a doc string to one line (for tables and short comments)."""
    return " ".join((text or "").split())


def paragraphs(text):
    """Doc string -> list of one-line paragraphs."""
    parts = re.split(r"\n\s*\n", (text or "").strip())
    return [one_line(p) for p in parts if p.strip()]


def md(text):
    """Text for a Markdown table cell."""
    return one_line(text).replace("|", "\\|")


def write_if_changed(path, text):
    """Write text to path unless it already holds exactly that; True if written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return True
