# Copyright 2023 The tfintegrity authors. Synthetic fixture shaped like Hugging Face Transformers v4.31.0.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# When adding a new object to this init, remember to add it twice: once inside the `_import_structure` dictionary and
# once inside the `if TYPE_CHECKING` branch.

__version__ = "4.31.0"

from typing import TYPE_CHECKING

from .utils import OptionalDependencyNotAvailable, _LazyModule, is_tf_available, is_torch_available, logging


logger = logging.get_logger(__name__)  # pylint: disable=invalid-name

# Base objects, independent of any specific backend
_import_structure = {
    "configuration_utils": ["PretrainedConfig"],
    "models": [],
    "models.bert": ["BERT_PRETRAINED_CONFIG_ARCHIVE_MAP", "BertConfig"],
    "models.brand_new_bert": ["BRAND_NEW_BERT_PRETRAINED_CONFIG_ARCHIVE_MAP", "BrandNewBertConfig"],
    "models.llama": ["LLAMA_PRETRAINED_CONFIG_ARCHIVE_MAP", "LlamaConfig"],
    "models.tiny": ["TinyConfig"],
    "utils": ["CONFIG_NAME", "TF2_WEIGHTS_NAME", "WEIGHTS_NAME", "is_tf_available", "is_torch_available", "logging"],
}

# PyTorch-backed objects
try:
    if not is_torch_available():
        raise OptionalDependencyNotAvailable()
except OptionalDependencyNotAvailable:
    from .utils import dummy_pt_objects

    _import_structure["utils.dummy_pt_objects"] = [name for name in dir(dummy_pt_objects) if not name.startswith("_")]
else:
    _import_structure["modeling_utils"] = ["PreTrainedModel"]
    # PyTorch models structure
    _import_structure["models.bert"].extend(
        [
            "BERT_PRETRAINED_MODEL_ARCHIVE_LIST",
            "BertForMaskedLM",
            "BertForSequenceClassification",
            "BertModel",
            "BertPreTrainedModel",
            "load_tf_weights_in_bert",
        ]
    )
    _import_structure["models.brand_new_bert"].extend(
        [
            "BRAND_NEW_BERT_PRETRAINED_MODEL_ARCHIVE_LIST",
            "BrandNewBertForCausalLM",
            "BrandNewBertModel",
            "BrandNewBertPreTrainedModel",
        ]
    )
    _import_structure["models.llama"].extend(
        ["LlamaForCausalLM", "LlamaForSequenceClassification", "LlamaModel", "LlamaPreTrainedModel"]
    )
    _import_structure["models.tiny"].extend(["TinyForMaskedLM", "TinyModel", "TinyPreTrainedModel"])

# TensorFlow-backed objects
try:
    if not is_tf_available():
        raise OptionalDependencyNotAvailable()
except OptionalDependencyNotAvailable:
    from .utils import dummy_tf_objects

    _import_structure["utils.dummy_tf_objects"] = [name for name in dir(dummy_tf_objects) if not name.startswith("_")]
else:
    _import_structure["modeling_tf_utils"] = ["TFPreTrainedModel", "shape_list"]
    # TensorFlow models structure
    _import_structure["models.bert"].extend(
        [
            "TF_BERT_PRETRAINED_MODEL_ARCHIVE_LIST",
            "TFBertForMaskedLM",
            "TFBertForSequenceClassification",
            "TFBertMainLayer",
            "TFBertModel",
            "TFBertPreTrainedModel",
        ]
    )
    _import_structure["models.brand_new_bert"].extend(
        [
            "TF_BRAND_NEW_BERT_PRETRAINED_MODEL_ARCHIVE_LIST",
            "TFBrandNewBertForCausalLM",
            "TFBrandNewBertMainLayer",
            "TFBrandNewBertModel",
            "TFBrandNewBertPreTrainedModel",
        ]
    )
    _import_structure["models.tiny"].extend(["TFTinyForMaskedLM", "TFTinyModel"])


# Direct imports for type-checking
if TYPE_CHECKING:
    # Configuration
    from .configuration_utils import PretrainedConfig

    # Models
    from .models.bert import BERT_PRETRAINED_CONFIG_ARCHIVE_MAP, BertConfig
    from .models.brand_new_bert import BRAND_NEW_BERT_PRETRAINED_CONFIG_ARCHIVE_MAP, BrandNewBertConfig
    from .models.llama import LLAMA_PRETRAINED_CONFIG_ARCHIVE_MAP, LlamaConfig
    from .models.tiny import TinyConfig
    from .utils import CONFIG_NAME, TF2_WEIGHTS_NAME, WEIGHTS_NAME, is_tf_available, is_torch_available, logging

    # PyTorch
    try:
        if not is_torch_available():
            raise OptionalDependencyNotAvailable()
    except OptionalDependencyNotAvailable:
        # Import the same objects as dummies to get them in the namespace.
        # They will raise an import error if the user tries to instantiate / use them.
        from .utils.dummy_pt_objects import *
    else:
        from .modeling_utils import PreTrainedModel

        # PyTorch model imports
        from .models.bert import (
            BERT_PRETRAINED_MODEL_ARCHIVE_LIST,
            BertForMaskedLM,
            BertForSequenceClassification,
            BertModel,
            BertPreTrainedModel,
            load_tf_weights_in_bert,
        )
        from .models.brand_new_bert import (
            BRAND_NEW_BERT_PRETRAINED_MODEL_ARCHIVE_LIST,
            BrandNewBertForCausalLM,
            BrandNewBertModel,
            BrandNewBertPreTrainedModel,
        )
        from .models.llama import LlamaForCausalLM, LlamaForSequenceClassification, LlamaModel, LlamaPreTrainedModel
        from .models.tiny import TinyForMaskedLM, TinyModel, TinyPreTrainedModel

    # TensorFlow
    try:
        if not is_tf_available():
            raise OptionalDependencyNotAvailable()
    except OptionalDependencyNotAvailable:
        # Import the same objects as dummies to get them in the namespace.
        # They will raise an import error if the user tries to instantiate / use them.
        from .utils.dummy_tf_objects import *
    else:
        from .modeling_tf_utils import TFPreTrainedModel, shape_list

        # TensorFlow model imports
        from .models.bert import (
            TF_BERT_PRETRAINED_MODEL_ARCHIVE_LIST,
            TFBertForMaskedLM,
            TFBertForSequenceClassification,
            TFBertMainLayer,
            TFBertModel,
            TFBertPreTrainedModel,
        )
        from .models.brand_new_bert import (
            TF_BRAND_NEW_BERT_PRETRAINED_MODEL_ARCHIVE_LIST,
            TFBrandNewBertMainLayer,
            TFBrandNewBertModel,
            TFBrandNewBertPreTrainedModel,
        )
        from .models.tiny import TFTinyForMaskedLM, TFTinyModel


else:
    import sys

    sys.modules[__name__] = _LazyModule(
        __name__,
        globals()["__file__"],
        _import_structure,
        module_spec=__spec__,
        extra_objects={"__version__": __version__},
    )
