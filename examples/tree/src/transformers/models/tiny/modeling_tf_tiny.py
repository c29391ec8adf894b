# coding=utf-8
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
""" TF 2.0 Tiny model."""

from ...utils import logging
from ..bert.modeling_tf_bert import TFBertForMaskedLM, TFBertModel
from .configuration_tiny import TinyConfig


logger = logging.get_logger(__name__)

_CONFIG_FOR_DOC = "TinyConfig"


class TFTinyModel(TFBertModel):
    r"""
    This class overrides [`TFBertModel`]. Please check the superclass for the appropriate
    documentation alongside usage examples.
    """

    model_type = "tiny"
    config_class = TinyConfig


class TFTinyForMaskedLM(TFBertForMaskedLM):
    r"""
    This class overrides [`TFBertForMaskedLM`]. Please check the superclass for the appropriate
    documentation alongside usage examples.
    """

    model_type = "tiny"
    config_class = TinyConfig
