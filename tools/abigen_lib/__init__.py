# SPDX-License-Identifier: MIT
"""abigen_lib: the parts of tools/abigen.py, the ABI generator.

model (spec constants, dataclasses, SpecError), util (naming, text,
write-if-changed), spec_tables, spec_layout and spec (loading and checking
libl4/spec/*.toml: load_spec()), cgen (C output helpers), and one emitter
per output: header (abi_gen.h), labels (invocation_labels_gen.h), stubs
(stubs_gen.h), layout (cap_layout_gen.h, kernel only) and reference
(reference.md). Each emitter takes the checked
model.Spec and returns the file's text; tools/abigen.py writes it.
"""
