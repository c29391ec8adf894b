"""Synthetic Transformers-shaped source trees for tfintegrity's tests.

``write_tree(root)`` writes a small but complete and fully consistent tree (zero integration gaps) that mimics the
shapes of Hugging Face Transformers v4.31.0: lazy model inits, the top-level init with its backend blocks, the
generated ``dummy_tf_objects.py``, auto mappings, ``utils/documentation_tests.txt`` and the doc pages.

``write_example_tree(root)`` writes the same tree with hand-made gaps in ``brand_new_bert``; it is the generator of
the committed ``examples/tree/`` (a test keeps both byte-identical).

Everything is deterministic, UTF-8, ``\\n`` newlines. Formatting follows black/ruff at line length 119; name order
inside ``_import_structure`` lists follows Transformers' ``custom_init_isort``.
"""
from __future__ import annotations

import pathlib
import shutil
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple


LINE_LENGTH = 119

__all__ = [
    "MODELS",
    "ModelSpec",
    "AUTO_MAPPINGS",
    "write_tree",
    "write_example_tree",
    "render_tree",
    "render_example_tree",
    "dummy_file_text",
    "sort_init_names",
]


# ----------------------------------------------------------------------------------------------------------------------
# Model descriptions
# ----------------------------------------------------------------------------------------------------------------------

# (mapping base name without the "TF_" prefix and "_NAMES" suffix, comment line) in file order.
AUTO_MAPPINGS: Tuple[Tuple[str, str], ...] = (
    ("MODEL_MAPPING", "# Base model mapping"),
    ("MODEL_WITH_LM_HEAD_MAPPING", "# Model with LM heads mapping"),
    ("MODEL_FOR_CAUSAL_LM_MAPPING", "# Model for Causal LM mapping"),
    ("MODEL_FOR_MASKED_LM_MAPPING", "# Model for Masked LM mapping"),
    ("MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING", "# Model for Sequence Classification mapping"),
)

# TF loss mixin per head suffix.
_TF_LOSS = {
    "ForMaskedLM": "TFMaskedLanguageModelingLoss",
    "ForSequenceClassification": "TFSequenceClassificationLoss",
    "ForCausalLM": "TFCausalLanguageModelingLoss",
}


@dataclass(frozen=True)
class ModelSpec:
    """One model of the synthetic tree.

    Class names are ``prefix + suffix`` (PyTorch) and ``"TF" + prefix + suffix`` (TensorFlow).
    """

    folder: str  # models/<folder>
    model_type: str  # config.model_type and auto-mapping key
    prefix: str  # "Bert"
    title: str  # doc page title / MODEL_NAMES_MAPPING value
    doc_page: str  # docs/source/en/model_doc/<doc_page>.md
    checkpoint: str
    config_archive_map: bool = True  # <UPPER>_PRETRAINED_CONFIG_ARCHIVE_MAP in configuration_<folder>.py
    pt_archive_list: bool = True  # <UPPER>_PRETRAINED_MODEL_ARCHIVE_LIST in modeling_<folder>.py
    pt_heads: Tuple[str, ...] = ("Model",)  # public PT model class suffixes (besides PreTrainedModel)
    pt_functions: Tuple[str, ...] = ()
    tf_heads: Tuple[str, ...] = ()  # public TF model class suffixes; empty means no TF at all
    tf_archive_list: bool = False
    tf_main_layer: bool = False  # TF<prefix>MainLayer exported through the inits
    tf_pretrained: bool = False  # TF<prefix>PreTrainedModel
    # (folder, prefix) of a model whose classes this one subclasses across files (mt5 -> t5 pattern).
    parent: Optional[Tuple[str, str]] = None
    # (mapping base name, suffix): entries of the PT auto mappings; TF mirrors those whose suffix is in tf_heads.
    auto: Tuple[Tuple[str, str], ...] = ()
    doctest_pt: bool = True  # list modeling_<folder>.py in utils/documentation_tests.txt

    @property
    def upper(self) -> str:
        return self.folder.upper()

    @property
    def config_class(self) -> str:
        return f"{self.prefix}Config"

    @property
    def has_tf(self) -> bool:
        return bool(self.tf_heads)

    # Names exported by the model init, per module, in custom_init_isort order.
    def config_names(self) -> List[str]:
        names = [self.config_class]
        if self.config_archive_map:
            names.append(f"{self.upper}_PRETRAINED_CONFIG_ARCHIVE_MAP")
        return sort_init_names(names)

    def pt_names(self) -> List[str]:
        names = [self.prefix + h for h in self.pt_heads] + [f"{self.prefix}PreTrainedModel"]
        if self.pt_archive_list:
            names.append(f"{self.upper}_PRETRAINED_MODEL_ARCHIVE_LIST")
        names.extend(self.pt_functions)
        return sort_init_names(names)

    def tf_names(self) -> List[str]:
        if not self.has_tf:
            return []
        names = [self.tf_class(h) for h in self.tf_heads]
        if self.tf_archive_list:
            names.append(f"TF_{self.upper}_PRETRAINED_MODEL_ARCHIVE_LIST")
        if self.tf_main_layer:
            names.append(f"TF{self.prefix}MainLayer")
        if self.tf_pretrained:
            names.append(f"TF{self.prefix}PreTrainedModel")
        return sort_init_names(names)

    def tf_class(self, suffix: str) -> str:
        return f"TF{self.prefix}{suffix}"

    # Doc pages list the classes in the order the modeling files define them (Model first), and the
    # TF run mirrors the PyTorch run, as real pages do.
    def pt_doc_classes(self) -> List[str]:
        return [self.prefix + h for h in self.pt_heads]

    def tf_doc_classes(self) -> List[str]:
        return [self.tf_class(h) for h in self.tf_heads]


MODELS: Tuple[ModelSpec, ...] = (
    ModelSpec(
        folder="bert",
        model_type="bert",
        prefix="Bert",
        title="BERT",
        doc_page="bert",
        checkpoint="bert-base-uncased",
        pt_heads=("Model", "ForMaskedLM", "ForSequenceClassification"),
        pt_functions=("load_tf_weights_in_bert",),
        tf_heads=("Model", "ForMaskedLM", "ForSequenceClassification"),
        tf_archive_list=True,
        tf_main_layer=True,
        tf_pretrained=True,
        auto=(
            ("MODEL_MAPPING", "Model"),
            ("MODEL_WITH_LM_HEAD_MAPPING", "ForMaskedLM"),
            ("MODEL_FOR_MASKED_LM_MAPPING", "ForMaskedLM"),
            ("MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING", "ForSequenceClassification"),
        ),
    ),
    ModelSpec(
        folder="brand_new_bert",
        model_type="brand-new-bert",
        prefix="BrandNewBert",
        title="BrandNewBERT",
        doc_page="brand-new-bert",
        checkpoint="brand-new-bert-base",
        pt_heads=("Model", "ForCausalLM"),
        tf_heads=("Model", "ForCausalLM"),
        tf_archive_list=True,
        tf_main_layer=True,
        tf_pretrained=True,
        auto=(
            ("MODEL_MAPPING", "Model"),
            ("MODEL_FOR_CAUSAL_LM_MAPPING", "ForCausalLM"),
        ),
    ),
    ModelSpec(
        folder="llama",
        model_type="llama",
        prefix="Llama",
        title="LLaMA",
        doc_page="llama",
        checkpoint="llama-7b",
        pt_archive_list=False,
        pt_heads=("Model", "ForCausalLM", "ForSequenceClassification"),
        auto=(
            ("MODEL_MAPPING", "Model"),
            ("MODEL_FOR_CAUSAL_LM_MAPPING", "ForCausalLM"),
            ("MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING", "ForSequenceClassification"),
        ),
        doctest_pt=False,
    ),
    ModelSpec(
        folder="tiny",
        model_type="tiny",
        prefix="Tiny",
        title="Tiny",
        doc_page="tiny",
        checkpoint="tiny-base",
        config_archive_map=False,
        pt_archive_list=False,
        pt_heads=("Model", "ForMaskedLM"),
        tf_heads=("Model", "ForMaskedLM"),
        parent=("bert", "Bert"),
        auto=(
            ("MODEL_MAPPING", "Model"),
            ("MODEL_WITH_LM_HEAD_MAPPING", "ForMaskedLM"),
            ("MODEL_FOR_MASKED_LM_MAPPING", "ForMaskedLM"),
        ),
    ),
)


# ----------------------------------------------------------------------------------------------------------------------
# Sorting and formatting helpers (custom_init_isort + black/ruff at 119)
# ----------------------------------------------------------------------------------------------------------------------


def sort_init_names(names: Iterable[str]) -> List[str]:
    """custom_init_isort's ``sort_objects``: constants, classes, functions; each by ``lower().replace("_", "")``."""

    def key(name: str) -> str:
        return name.lower().replace("_", "")

    names = list(names)
    constants = sorted((n for n in names if n.isupper()), key=key)
    classes = sorted((n for n in names if n[0].isupper() and not n.isupper()), key=key)
    functions = sorted((n for n in names if not n[0].isupper()), key=key)
    return constants + classes + functions


def _q(names: Sequence[str]) -> List[str]:
    return [f'"{n}"' for n in names]


def _fits(line: str) -> bool:
    return len(line) <= LINE_LENGTH


def fmt_assign_list(indent: str, target: str, names: Sequence[str]) -> List[str]:
    """``target = [..]`` on one line, else exploded one name per line with trailing comma."""
    one = f"{indent}{target} = [{', '.join(_q(names))}]"
    if _fits(one):
        return [one]
    return [f"{indent}{target} = ["] + [f"{indent}    {n}," for n in _q(names)] + [f"{indent}]"]


def fmt_extend(indent: str, key: str, names: Sequence[str]) -> List[str]:
    """black's three shapes of ``_import_structure[key].extend([...])``."""
    head = f'{indent}_import_structure["{key}"].extend('
    body = f"[{', '.join(_q(names))}]"
    if _fits(head + body + ")"):
        return [head + body + ")"]
    if _fits(f"{indent}    {body}"):
        return [head, f"{indent}    {body}", f"{indent})"]
    return [head, f"{indent}    ["] + [f"{indent}        {n}," for n in _q(names)] + [f"{indent}    ]", f"{indent})"]


def fmt_from_import(indent: str, module: str, names: Sequence[str]) -> List[str]:
    """ruff-isort shape: one line if it fits, else parenthesized one name per line."""
    one = f"{indent}from {module} import {', '.join(names)}"
    if _fits(one):
        return [one]
    return [f"{indent}from {module} import ("] + [f"{indent}    {n}," for n in names] + [f"{indent})"]


def fmt_dict_entry(indent: str, key: str, names: Sequence[str]) -> List[str]:
    one = f'{indent}"{key}": [{", ".join(_q(names))}],'
    if _fits(one):
        return [one]
    return [f'{indent}"{key}": ['] + [f"{indent}    {n}," for n in _q(names)] + [f"{indent}],"]


def _guard(indent: str, backend: str, except_lines: Sequence[str]) -> List[str]:
    return [
        f"{indent}try:",
        f"{indent}    if not is_{backend}_available():",
        f"{indent}        raise OptionalDependencyNotAvailable()",
        f"{indent}except OptionalDependencyNotAvailable:",
        *except_lines,
        f"{indent}else:",
    ]


def _text(lines: Iterable[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


PY_HEADER = [
    "# coding=utf-8",
    "# Copyright 2023 The tfintegrity authors. Synthetic fixture shaped like Hugging Face Transformers v4.31.0.",
    "#",
    '# Licensed under the Apache License, Version 2.0 (the "License");',
    "# you may not use this file except in compliance with the License.",
    "# You may obtain a copy of the License at",
    "#",
    "#     http://www.apache.org/licenses/LICENSE-2.0",
    "#",
    "# Unless required by applicable law or agreed to in writing, software",
    '# distributed under the License is distributed on an "AS IS" BASIS,',
    "# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.",
    "# See the License for the specific language governing permissions and",
    "# limitations under the License.",
]


# ----------------------------------------------------------------------------------------------------------------------
# Dummy objects (check_dummies)
# ----------------------------------------------------------------------------------------------------------------------


def _dummy_object(name: str, backend_list: str) -> str:
    if name.isupper():
        return f"\n{name} = None\n"
    if name.islower():
        return f"\ndef {name}(*args, **kwargs):\n    requires_backends({name}, {backend_list})\n"
    return (
        f"\nclass {name}(metaclass=DummyObject):\n    _backends = {backend_list}\n\n"
        f"    def __init__(self, *args, **kwargs):\n        requires_backends(self, {backend_list})\n"
    )


def dummy_file_text(objects: Sequence[str], backend: str) -> str:
    """Text of ``utils/dummy_<backend>_objects.py`` as check_dummies writes it (``backend`` like "tf", "torch")."""
    backend_list = "[" + ", ".join(f'"{b}"' for b in backend.split("_and_")) + "]"
    text = "# This file is autogenerated by the command `make fix-copies`, do not edit.\n"
    text += "from ..utils import DummyObject, requires_backends\n\n"
    text += "\n".join(_dummy_object(o, backend_list) for o in objects)
    return text


# ----------------------------------------------------------------------------------------------------------------------
# Per-model files
# ----------------------------------------------------------------------------------------------------------------------


def _model_init(m: ModelSpec) -> str:
    backends = ["torch"] + (["tf"] if m.has_tf else [])
    util_names = ["OptionalDependencyNotAvailable", "_LazyModule"] + [f"is_{b}_available" for b in sorted(backends)]
    lines = [*PY_HEADER[1:], "from typing import TYPE_CHECKING", ""]
    lines += fmt_from_import("", "...utils", util_names)
    lines += ["", ""]
    cfg_key = f"configuration_{m.folder}"
    one = f'_import_structure = {{"{cfg_key}": [{", ".join(_q(m.config_names()))}]}}'
    if _fits(one):
        lines.append(one)
    else:
        lines += ["_import_structure = {"] + fmt_dict_entry("    ", cfg_key, m.config_names()) + ["}"]
    modules = [("torch", f"modeling_{m.folder}", m.pt_names())]
    if m.has_tf:
        modules.append(("tf", f"modeling_tf_{m.folder}", m.tf_names()))
    for backend, module, names in modules:
        lines.append("")
        lines += _guard("", backend, ["    pass"])
        lines += fmt_assign_list("    ", f'_import_structure["{module}"]', names)
    lines += ["", "", "if TYPE_CHECKING:"]
    lines += fmt_from_import("    ", f".configuration_{m.folder}", m.config_names())
    for backend, module, names in modules:
        lines.append("")
        lines += _guard("    ", backend, ["        pass"])
        lines += fmt_from_import("        ", f".{module}", names)
    lines += [
        "",
        "",
        "else:",
        "    import sys",
        "",
        '    sys.modules[__name__] = _LazyModule(__name__, globals()["__file__"], _import_structure, module_spec=__spec__)',
    ]
    return _text(lines)


def _configuration(m: ModelSpec) -> str:
    lines = [*PY_HEADER, f'""" {m.title} model configuration"""', ""]
    lines += ["from ...configuration_utils import PretrainedConfig", "from ...utils import logging", "", ""]
    lines += ["logger = logging.get_logger(__name__)", ""]
    if m.config_archive_map:
        url = f"https://huggingface.co/{m.checkpoint}/resolve/main/config.json"
        lines += [f"{m.upper}_PRETRAINED_CONFIG_ARCHIVE_MAP = {{", f'    "{m.checkpoint}": "{url}",', "}", ""]
    lines += [
        "",
        f"class {m.config_class}(PretrainedConfig):",
        '    r"""',
        f"    Configuration class to store the configuration of a [`{m.prefix}Model`].",
        '    """',
        f'    model_type = "{m.model_type}"',
        "",
        "    def __init__(self, vocab_size=32, hidden_size=8, num_hidden_layers=2, **kwargs):",
        "        self.vocab_size = vocab_size",
        "        self.hidden_size = hidden_size",
        "        self.num_hidden_layers = num_hidden_layers",
        "        super().__init__(**kwargs)",
    ]
    return _text(lines)


def _pt_modeling(m: ModelSpec) -> str:
    lines = [*PY_HEADER, f'""" PyTorch {m.title} model."""', ""]
    if m.parent:
        pfolder, pprefix = m.parent
        parents = sorted([pprefix + h for h in m.pt_heads] + [f"{pprefix}PreTrainedModel"])
        lines += ["from ...utils import logging"]
        lines += fmt_from_import("", f"..{pfolder}.modeling_{pfolder}", parents)
        lines += [f"from .configuration_{m.folder} import {m.config_class}", "", ""]
        lines += ["logger = logging.get_logger(__name__)", "", ""]
        lines += [
            f"class {m.prefix}PreTrainedModel({pprefix}PreTrainedModel):",
            f"    config_class = {m.config_class}",
            f'    base_model_prefix = "{m.folder}"',
        ]
        for h in m.pt_heads:
            lines += ["", "", f"class {m.prefix}{h}({pprefix}{h}):", f'    model_type = "{m.model_type}"']
            lines += [f"    config_class = {m.config_class}"]
        return _text(lines)
    lines += ["import torch", "from torch import nn", ""]
    lines += ["from ...modeling_utils import PreTrainedModel", "from ...utils import logging"]
    lines += [f"from .configuration_{m.folder} import {m.config_class}", "", ""]
    lines += ["logger = logging.get_logger(__name__)", ""]
    lines += [f'_CHECKPOINT_FOR_DOC = "{m.checkpoint}"', f'_CONFIG_FOR_DOC = "{m.config_class}"', ""]
    if m.pt_archive_list:
        lines += [f"{m.upper}_PRETRAINED_MODEL_ARCHIVE_LIST = [", f'    "{m.checkpoint}",', "]", ""]
    for fn in m.pt_functions:
        lines += [
            "",
            f"def {fn}(model, config, tf_checkpoint_path):",
            '    """Load tf checkpoints in a pytorch model."""',
            "    return model",
            "",
        ]
    lines += [
        "",
        f"class {m.prefix}PreTrainedModel(PreTrainedModel):",
        f"    config_class = {m.config_class}",
        f'    base_model_prefix = "{m.folder}"',
    ]
    for h in m.pt_heads:
        lines += ["", "", f"class {m.prefix}{h}({m.prefix}PreTrainedModel):"]
        lines += [
            "    def __init__(self, config):",
            "        super().__init__(config)",
            "        self.dense = nn.Linear(config.hidden_size, config.hidden_size)",
            "",
            "    def forward(self, input_ids=None, attention_mask=None):",
            "        hidden_states = self.dense(torch.as_tensor(input_ids, dtype=torch.float32))",
            "        return (hidden_states,)",
        ]
    return _text(lines)


def _tf_modeling(m: ModelSpec) -> str:
    lines = [*PY_HEADER, f'""" TF 2.0 {m.title} model."""', ""]
    if m.parent:
        pfolder, pprefix = m.parent
        parents = sorted(f"TF{pprefix}{h}" for h in m.tf_heads)
        lines += ["from ...utils import logging"]
        lines += fmt_from_import("", f"..{pfolder}.modeling_tf_{pfolder}", parents)
        lines += [f"from .configuration_{m.folder} import {m.config_class}", "", ""]
        lines += ["logger = logging.get_logger(__name__)", "", f'_CONFIG_FOR_DOC = "{m.config_class}"']
        for h in m.tf_heads:
            lines += [
                "",
                "",
                f"class {m.tf_class(h)}(TF{pprefix}{h}):",
                '    r"""',
                f"    This class overrides [`TF{pprefix}{h}`]. Please check the superclass for the appropriate",
                "    documentation alongside usage examples.",
                '    """',
                "",
                f'    model_type = "{m.model_type}"',
                f"    config_class = {m.config_class}",
            ]
        return _text(lines)

    losses = sorted({_TF_LOSS[h] for h in m.tf_heads if h in _TF_LOSS})
    utils_names = losses + ["TFPreTrainedModel", "keras_serializable"]
    lines += ["from __future__ import annotations", "", "from typing import Optional, Tuple, Union", ""]
    lines += ["import numpy as np", "import tensorflow as tf", ""]
    lines += fmt_from_import("", "...modeling_tf_utils", sorted(utils_names, key=lambda n: (n[0].islower(), n)))
    lines += ["from ...tf_utils import shape_list", "from ...utils import logging"]
    lines += [f"from .configuration_{m.folder} import {m.config_class}", "", ""]
    lines += ["logger = logging.get_logger(__name__)", ""]
    lines += [f'_CHECKPOINT_FOR_DOC = "{m.checkpoint}"', f'_CONFIG_FOR_DOC = "{m.config_class}"', ""]
    if m.tf_archive_list:
        lines += [f"TF_{m.upper}_PRETRAINED_MODEL_ARCHIVE_LIST = [", f'    "{m.checkpoint}",', "]", ""]
    if m.folder == "bert":
        lines += [
            "",
            f"class _TF{m.prefix}Helper:",
            '    """Private helper, not part of the public API."""',
            "",
            "    @staticmethod",
            "    def scale(x: tf.Tensor) -> tf.Tensor:",
            "        return x * np.float32(1.0)",
            "",
            "",
            f"class TF{m.prefix}Embeddings(tf.keras.layers.Layer):",
            '    """Construct the embeddings from word ids (internal layer, not exported)."""',
            "",
            f"    def __init__(self, config: {m.config_class}, **kwargs):",
            "        super().__init__(**kwargs)",
            "        self.vocab_size = config.vocab_size",
            "        self.hidden_size = config.hidden_size",
            "",
            "    def call(self, input_ids: tf.Tensor) -> tf.Tensor:",
            "        return tf.one_hot(input_ids, depth=self.hidden_size)",
            "",
        ]
    if m.tf_main_layer:
        lines += [
            "",
            "@keras_serializable",
            f"class TF{m.prefix}MainLayer(tf.keras.layers.Layer):",
            f"    config_class = {m.config_class}",
            "",
            f"    def __init__(self, config: {m.config_class}, **kwargs):",
            "        super().__init__(**kwargs)",
            "        self.config = config",
            "",
            "    def call(self, input_ids: Optional[tf.Tensor] = None, training: bool = False) -> Tuple[tf.Tensor]:",
            "        batch_size, seq_length = shape_list(input_ids)",
            "        return (tf.zeros((batch_size, seq_length, self.config.hidden_size)),)",
            "",
        ]
    if m.tf_pretrained:
        lines += [
            "",
            f"class TF{m.prefix}PreTrainedModel(TFPreTrainedModel):",
            '    """',
            "    An abstract class to handle weights initialization and a simple interface for downloading and loading",
            "    pretrained models.",
            '    """',
            "",
            f"    config_class = {m.config_class}",
            f'    base_model_prefix = "{m.folder}"',
            "",
        ]
    base = f"TF{m.prefix}PreTrainedModel" if m.tf_pretrained else "TFPreTrainedModel"
    for h in m.tf_heads:
        bases = [base] + ([_TF_LOSS[h]] if h in _TF_LOSS else [])
        lines += [
            "",
            f"class {m.tf_class(h)}({', '.join(bases)}):",
            f"    def __init__(self, config: {m.config_class}, *inputs, **kwargs):",
            "        super().__init__(config, *inputs, **kwargs)",
            f'        self.{m.folder} = TF{m.prefix}MainLayer(config, name="{m.folder}")',
            "",
            "    def call(",
            "        self,",
            "        input_ids: Optional[Union[np.ndarray, tf.Tensor]] = None,",
            "        training: Optional[bool] = False,",
            "    ) -> Tuple[tf.Tensor]:",
            f"        return self.{m.folder}(input_ids=input_ids, training=training)",
            "",
        ]
    return _text(lines)


def _doc_page(m: ModelSpec) -> str:
    lines = [
        "<!--Copyright 2023 The tfintegrity authors. Synthetic fixture shaped like Hugging Face Transformers v4.31.0.",
        "",
        'Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance '
        "with",
        "the License. You may obtain a copy of the License at",
        "",
        "http://www.apache.org/licenses/LICENSE-2.0",
        "",
        "Unless required by applicable law or agreed to in writing, software distributed under the License is "
        "distributed on",
        'an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for '
        "the",
        "specific language governing permissions and limitations under the License.",
        "",
        "⚠️ Note that this file is in Markdown but contain specific syntax for our doc-builder (similar to MDX) that may "
        "not be",
        "rendered properly in your Markdown viewer.",
        "",
        "-->",
        "",
        f"# {m.title}",
        "",
        "## Overview",
        "",
        f"The {m.title} model is a small synthetic stand-in used by tfintegrity's tests. It has the same file layout as",
        "a real Transformers model: a configuration, a PyTorch implementation"
        + (" and a TensorFlow implementation." if m.has_tf else "."),
        "",
        "Tips:",
        "",
        f"- Load it with [`{m.config_class}`] and the auto classes, for example from `{m.checkpoint}`.",
        "",
        f"## {m.config_class}",
        "",
        f"[[autodoc]] {m.config_class}",
        "",
    ]
    for cls in m.pt_doc_classes():
        lines += [f"## {cls}", "", f"[[autodoc]] {cls}", "    - forward", ""]
    for cls in m.tf_doc_classes():
        lines += [f"## {cls}", "", f"[[autodoc]] {cls}", "    - call", ""]
    return _text(lines)


# ----------------------------------------------------------------------------------------------------------------------
# Package-level files
# ----------------------------------------------------------------------------------------------------------------------

_TOP_UTILS = ["CONFIG_NAME", "TF2_WEIGHTS_NAME", "WEIGHTS_NAME", "is_tf_available", "is_torch_available", "logging"]


def _top_backend_objects(models: Sequence[ModelSpec], backend: str) -> List[Tuple[str, List[str]]]:
    """(module relative to the top init, names) in TYPE_CHECKING order for one backend."""
    if backend == "torch":
        out = [("modeling_utils", ["PreTrainedModel"])]
        out += [(f"models.{m.folder}", m.pt_names()) for m in sorted(models, key=lambda m: m.folder)]
    else:
        out = [("modeling_tf_utils", ["TFPreTrainedModel", "shape_list"])]
        out += [(f"models.{m.folder}", m.tf_names()) for m in sorted(models, key=lambda m: m.folder) if m.has_tf]
    return out


def _top_init(models: Sequence[ModelSpec]) -> str:
    lines = [*PY_HEADER[1:], ""]
    lines += [
        "# When adding a new object to this init, remember to add it twice: once inside the `_import_structure` "
        "dictionary and",
        "# once inside the `if TYPE_CHECKING` branch.",
        "",
        '__version__ = "4.31.0"',
        "",
        "from typing import TYPE_CHECKING",
        "",
    ]
    lines += fmt_from_import(
        "",
        ".utils",
        ["OptionalDependencyNotAvailable", "_LazyModule", "is_tf_available", "is_torch_available", "logging"],
    )
    lines += ["", "", "logger = logging.get_logger(__name__)  # pylint: disable=invalid-name", ""]
    lines += ["# Base objects, independent of any specific backend", "_import_structure = {"]
    literal: Dict[str, List[str]] = {"configuration_utils": ["PretrainedConfig"], "models": [], "utils": _TOP_UTILS}
    for m in models:
        literal[f"models.{m.folder}"] = m.config_names()
    for key in sorted(literal):
        lines += fmt_dict_entry("    ", key, literal[key])
    lines += ["}", ""]

    for backend, short, title in (("torch", "pt", "PyTorch"), ("tf", "tf", "TensorFlow")):
        objs = _top_backend_objects(models, backend)
        lines.append(f"# {title}-backed objects")
        lines += _guard(
            "",
            backend,
            [
                f"    from .utils import dummy_{short}_objects",
                "",
                f'    _import_structure["utils.dummy_{short}_objects"] = [name for name in dir(dummy_{short}_objects) '
                'if not name.startswith("_")]',
            ],
        )
        base_module, base_names = objs[0]
        lines += fmt_assign_list("    ", f'_import_structure["{base_module}"]', base_names)
        lines.append(f"    # {title} models structure")
        for module, names in sorted(objs[1:]):
            lines += fmt_extend("    ", module, names)
        lines.append("")

    lines += ["", "# Direct imports for type-checking", "if TYPE_CHECKING:", "    # Configuration"]
    lines += ["    from .configuration_utils import PretrainedConfig", "", "    # Models"]
    for m in sorted(models, key=lambda m: m.folder):
        lines += fmt_from_import("    ", f".models.{m.folder}", m.config_names())
    lines += fmt_from_import("    ", ".utils", _TOP_UTILS)
    for backend, short, title in (("torch", "pt", "PyTorch"), ("tf", "tf", "TensorFlow")):
        objs = _top_backend_objects(models, backend)
        lines += ["", f"    # {title}"]
        lines += _guard(
            "    ",
            backend,
            [
                "        # Import the same objects as dummies to get them in the namespace.",
                "        # They will raise an import error if the user tries to instantiate / use them.",
                f"        from .utils.dummy_{short}_objects import *",
            ],
        )
        base_module, base_names = objs[0]
        lines += fmt_from_import("        ", f".{base_module}", base_names)
        lines += ["", f"        # {title} model imports"]
        for module, names in objs[1:]:
            lines += fmt_from_import("        ", f".{module}", names)
    lines += [
        "",
        "",
        "else:",
        "    import sys",
        "",
        "    sys.modules[__name__] = _LazyModule(",
        "        __name__,",
        '        globals()["__file__"],',
        "        _import_structure,",
        "        module_spec=__spec__,",
        '        extra_objects={"__version__": __version__},',
        "    )",
    ]
    return _text(lines)


def _top_dummy(models: Sequence[ModelSpec], backend: str) -> str:
    names: List[str] = []
    for _, objs in _top_backend_objects(models, backend):
        names += objs
    return dummy_file_text(names, backend)


def _auto_file(models: Sequence[ModelSpec], tf: bool) -> str:
    lines = [*PY_HEADER[1:], '""" Auto Model class."""', "", "", "from collections import OrderedDict", ""]
    lines += ["from ...utils import logging", "", "", "logger = logging.get_logger(__name__)", "", ""]
    for mapping, comment in AUTO_MAPPINGS:
        entries = []
        for m in models:
            for name, suffix in m.auto:
                if name != mapping:
                    continue
                if tf:
                    if suffix in m.tf_heads:
                        entries.append((m.model_type, m.tf_class(suffix)))
                else:
                    entries.append((m.model_type, m.prefix + suffix))
        lines += [f"{'TF_' if tf else ''}{mapping}_NAMES = OrderedDict(", "    [", f"        {comment}"]
        lines += [f'        ("{k}", "{v}"),' for k, v in sorted(entries, key=lambda e: e[0])]
        lines += ["    ]", ")", ""]
    return _text(lines)


def _configuration_auto(models: Sequence[ModelSpec]) -> str:
    ordered = sorted(models, key=lambda m: m.model_type)
    lines = [*PY_HEADER[1:], '""" Auto Config class."""', "from collections import OrderedDict", ""]
    lines += ["from ...utils import logging", "", "", "logger = logging.get_logger(__name__)", ""]
    lines += ["CONFIG_MAPPING_NAMES = OrderedDict(", "    [", "        # Add configs here"]
    lines += [f'        ("{m.model_type}", "{m.config_class}"),' for m in ordered]
    lines += [
        "    ]",
        ")",
        "",
        "MODEL_NAMES_MAPPING = OrderedDict(",
        "    [",
        "        # Add full (and cased) model names here",
    ]
    lines += [f'        ("{m.model_type}", "{m.title}"),' for m in ordered]
    lines += ["    ]", ")"]
    return _text(lines)


_UTILS_INIT = '''"""Minimal stand-in for `transformers.utils` in a synthetic tree (only what the other files import)."""
import importlib.util
import logging as _logging
import types


CONFIG_NAME = "config.json"
TF2_WEIGHTS_NAME = "tf_model.h5"
WEIGHTS_NAME = "pytorch_model.bin"


class OptionalDependencyNotAvailable(BaseException):
    """Internally used error class for signalling an optional dependency was not found."""


class _LazyModule(types.ModuleType):
    def __init__(self, name, module_file, import_structure, module_spec=None, extra_objects=None):
        super().__init__(name)
        self._import_structure = import_structure
        self.__file__ = module_file
        self.__spec__ = module_spec


class DummyObject(type):
    def __getattribute__(cls, key):
        if key.startswith("_"):
            return super().__getattribute__(key)
        requires_backends(cls, cls._backends)


def requires_backends(obj, backends):
    name = getattr(obj, "__name__", obj.__class__.__name__)
    raise ImportError(f"{name} requires the {', '.join(backends)} backend(s).")


def is_tf_available():
    return importlib.util.find_spec("tensorflow") is not None


def is_torch_available():
    return importlib.util.find_spec("torch") is not None


class _Logging:
    @staticmethod
    def get_logger(name=None):
        return _logging.getLogger(name)


logging = _Logging()
'''

_CONFIGURATION_UTILS = '''"""Minimal stand-in for `transformers.configuration_utils`."""


class PretrainedConfig:
    model_type: str = ""

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            setattr(self, key, value)
'''

_MODELING_UTILS = '''"""Minimal stand-in for `transformers.modeling_utils`."""
from torch import nn


class PreTrainedModel(nn.Module):
    config_class = None
    base_model_prefix = ""

    def __init__(self, config, *inputs, **kwargs):
        super().__init__()
        self.config = config
'''

_MODELING_TF_UTILS = '''"""Minimal stand-in for `transformers.modeling_tf_utils`."""
from __future__ import annotations

from typing import List, Union

import numpy as np
import tensorflow as tf


def shape_list(tensor: Union[tf.Tensor, np.ndarray]) -> List[int]:
    """Deal with dynamic shape in tensorflow cleanly."""
    if isinstance(tensor, np.ndarray):
        return list(tensor.shape)
    dynamic = tf.shape(tensor)
    static = tensor.shape.as_list()
    return [dynamic[i] if s is None else s for i, s in enumerate(static)]


def keras_serializable(cls):
    """Decorate a Keras Layer class to support Keras serialization."""
    return cls


class TFCausalLanguageModelingLoss:
    """Loss function suitable for causal language modeling."""


class TFMaskedLanguageModelingLoss(TFCausalLanguageModelingLoss):
    """Loss function suitable for masked language modeling."""


class TFSequenceClassificationLoss:
    """Loss function suitable for sequence classification."""


class TFPreTrainedModel(tf.keras.Model):
    """Base class for all TF models."""

    config_class = None
    base_model_prefix = ""

    def __init__(self, config, *inputs, **kwargs):
        super().__init__(*inputs, **kwargs)
        self.config = config
'''

_TF_UTILS = '''"""Minimal stand-in for `transformers.tf_utils`."""
from .modeling_tf_utils import shape_list


__all__ = ["shape_list"]
'''


def _doctest_list(models: Sequence[ModelSpec], package: str) -> str:
    paths = []
    for m in models:
        base = f"{package}/models/{m.folder}"
        paths.append(f"{base}/configuration_{m.folder}.py")
        if m.doctest_pt:
            paths.append(f"{base}/modeling_{m.folder}.py")
        if m.has_tf:
            paths.append(f"{base}/modeling_tf_{m.folder}.py")
    return "".join(p + "\n" for p in sorted(paths))


# ----------------------------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------------------------


def render_tree(models: Optional[Sequence[ModelSpec]] = None, package: str = "src/transformers") -> Dict[str, str]:
    """All files of the consistent tree as {relative posix path: text}."""
    models = tuple(MODELS if models is None else models)
    pkg = package.strip("/")
    files: Dict[str, str] = {}
    files[f"{pkg}/__init__.py"] = _top_init(models)
    files[f"{pkg}/configuration_utils.py"] = _CONFIGURATION_UTILS
    files[f"{pkg}/modeling_utils.py"] = _MODELING_UTILS
    files[f"{pkg}/modeling_tf_utils.py"] = _MODELING_TF_UTILS
    files[f"{pkg}/tf_utils.py"] = _TF_UTILS
    files[f"{pkg}/utils/__init__.py"] = _UTILS_INIT
    files[f"{pkg}/utils/dummy_pt_objects.py"] = _top_dummy(models, "torch")
    files[f"{pkg}/utils/dummy_tf_objects.py"] = _top_dummy(models, "tf")
    folders = sorted(["auto"] + [m.folder for m in models])
    files[f"{pkg}/models/__init__.py"] = _text(
        [*PY_HEADER[1:], "from . import ("] + [f"    {f}," for f in folders] + [")"]
    )
    files[f"{pkg}/models/auto/__init__.py"] = '"""Auto classes (only the mapping name tables are synthesized)."""\n'
    files[f"{pkg}/models/auto/configuration_auto.py"] = _configuration_auto(models)
    files[f"{pkg}/models/auto/modeling_auto.py"] = _auto_file(models, tf=False)
    files[f"{pkg}/models/auto/modeling_tf_auto.py"] = _auto_file(models, tf=True)
    for m in models:
        base = f"{pkg}/models/{m.folder}"
        files[f"{base}/__init__.py"] = _model_init(m)
        files[f"{base}/configuration_{m.folder}.py"] = _configuration(m)
        files[f"{base}/modeling_{m.folder}.py"] = _pt_modeling(m)
        if m.has_tf:
            files[f"{base}/modeling_tf_{m.folder}.py"] = _tf_modeling(m)
        files[f"docs/source/en/model_doc/{m.doc_page}.md"] = _doc_page(m)
    files["utils/documentation_tests.txt"] = _doctest_list(models, pkg)
    return dict(sorted(files.items()))


def _write_files(root: pathlib.Path, files: Dict[str, str]) -> None:
    root = pathlib.Path(root)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def write_tree(
    root: pathlib.Path, *, models: Optional[Sequence[ModelSpec]] = None, package: str = "src/transformers"
) -> None:
    """Write a complete, fully consistent (zero-gap) Transformers-shaped tree for ``models`` under ``root``."""
    _write_files(pathlib.Path(root), render_tree(models, package))


def _remove_once(files: Dict[str, str], rel: str, snippet: str) -> None:
    text = files[rel]
    count = text.count(snippet)
    if count != 1:
        raise AssertionError(f"expected exactly one occurrence in {rel}, found {count}: {snippet!r}")
    files[rel] = text.replace(snippet, "")


# The hand-made gaps of examples/tree (all about TFBrandNewBertForCausalLM), as (file, text removed).
EXAMPLE_GAPS: Tuple[Tuple[str, str], ...] = (
    # model init, _import_structure half
    ("src/transformers/models/brand_new_bert/__init__.py", '        "TFBrandNewBertForCausalLM",\n'),
    # model init, TYPE_CHECKING half
    ("src/transformers/models/brand_new_bert/__init__.py", "            TFBrandNewBertForCausalLM,\n"),
    # top-level init, TYPE_CHECKING half only (the _import_structure half keeps the name)
    ("src/transformers/__init__.py", "            TFBrandNewBertForCausalLM,\n"),
    # generated dummies
    (
        "src/transformers/utils/dummy_tf_objects.py",
        '\n\nclass TFBrandNewBertForCausalLM(metaclass=DummyObject):\n    _backends = ["tf"]\n\n'
        '    def __init__(self, *args, **kwargs):\n        requires_backends(self, ["tf"])\n',
    ),
    # TF auto mapping
    ("src/transformers/models/auto/modeling_tf_auto.py", '        ("brand-new-bert", "TFBrandNewBertForCausalLM"),\n'),
    # doctest list
    ("utils/documentation_tests.txt", "src/transformers/models/brand_new_bert/modeling_tf_brand_new_bert.py\n"),
    # doc page section
    (
        "docs/source/en/model_doc/brand-new-bert.md",
        "\n## TFBrandNewBertForCausalLM\n\n[[autodoc]] TFBrandNewBertForCausalLM\n    - call\n",
    ),
)


def render_example_tree() -> Dict[str, str]:
    """Files of examples/tree: the default tree with the EXAMPLE_GAPS removed."""
    files = render_tree()
    for rel, snippet in EXAMPLE_GAPS:
        _remove_once(files, rel, snippet)
    return files


# The committed example tree, and what a run of the tool on it leaves there that is no part of it (the
# README's first command writes the fact cache, which its own .gitignore keeps out of git).
EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "tree"
NOT_OF_THE_TREE = (".tfintegrity_cache", "__pycache__")


def tree_files(root: pathlib.Path = EXAMPLE) -> Dict[str, bytes]:
    """The files of a tree written here (path -> bytes; the example by default), without what a run left there."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not set(NOT_OF_THE_TREE) & set(p.relative_to(root).parts)
    }


def copy_example(target: pathlib.Path) -> pathlib.Path:
    """A copy of the committed example tree at ``target``, without what a run left there."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(*NOT_OF_THE_TREE))
    return target


def write_example_tree(root: pathlib.Path) -> None:
    """Write exactly the committed ``examples/tree/`` under ``root``."""
    _write_files(pathlib.Path(root), render_example_tree())


if __name__ == "__main__":  # pragma: no cover - regenerate the committed example: python tests/synthtree.py DIR
    import sys

    write_example_tree(pathlib.Path(sys.argv[1]))
