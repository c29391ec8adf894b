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
""" TF 2.0 BrandNewBERT model."""

from __future__ import annotations

from typing import Optional, Tuple, Union

import numpy as np
import tensorflow as tf

from ...modeling_tf_utils import TFCausalLanguageModelingLoss, TFPreTrainedModel, keras_serializable
from ...tf_utils import shape_list
from ...utils import logging
from .configuration_brand_new_bert import BrandNewBertConfig


logger = logging.get_logger(__name__)

_CHECKPOINT_FOR_DOC = "brand-new-bert-base"
_CONFIG_FOR_DOC = "BrandNewBertConfig"

TF_BRAND_NEW_BERT_PRETRAINED_MODEL_ARCHIVE_LIST = [
    "brand-new-bert-base",
]


@keras_serializable
class TFBrandNewBertMainLayer(tf.keras.layers.Layer):
    config_class = BrandNewBertConfig

    def __init__(self, config: BrandNewBertConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config

    def call(self, input_ids: Optional[tf.Tensor] = None, training: bool = False) -> Tuple[tf.Tensor]:
        batch_size, seq_length = shape_list(input_ids)
        return (tf.zeros((batch_size, seq_length, self.config.hidden_size)),)


class TFBrandNewBertPreTrainedModel(TFPreTrainedModel):
    """
    An abstract class to handle weights initialization and a simple interface for downloading and loading
    pretrained models.
    """

    config_class = BrandNewBertConfig
    base_model_prefix = "brand_new_bert"


class TFBrandNewBertModel(TFBrandNewBertPreTrainedModel):
    def __init__(self, config: BrandNewBertConfig, *inputs, **kwargs):
        super().__init__(config, *inputs, **kwargs)
        self.brand_new_bert = TFBrandNewBertMainLayer(config, name="brand_new_bert")

    def call(
        self,
        input_ids: Optional[Union[np.ndarray, tf.Tensor]] = None,
        training: Optional[bool] = False,
    ) -> Tuple[tf.Tensor]:
        return self.brand_new_bert(input_ids=input_ids, training=training)


class TFBrandNewBertForCausalLM(TFBrandNewBertPreTrainedModel, TFCausalLanguageModelingLoss):
    def __init__(self, config: BrandNewBertConfig, *inputs, **kwargs):
        super().__init__(config, *inputs, **kwargs)
        self.brand_new_bert = TFBrandNewBertMainLayer(config, name="brand_new_bert")

    def call(
        self,
        input_ids: Optional[Union[np.ndarray, tf.Tensor]] = None,
        training: Optional[bool] = False,
    ) -> Tuple[tf.Tensor]:
        return self.brand_new_bert(input_ids=input_ids, training=training)
