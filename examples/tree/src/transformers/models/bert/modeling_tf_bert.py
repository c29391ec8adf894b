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
""" TF 2.0 BERT model."""

from __future__ import annotations

from typing import Optional, Tuple, Union

import numpy as np
import tensorflow as tf

from ...modeling_tf_utils import (
    TFMaskedLanguageModelingLoss,
    TFPreTrainedModel,
    TFSequenceClassificationLoss,
    keras_serializable,
)
from ...tf_utils import shape_list
from ...utils import logging
from .configuration_bert import BertConfig


logger = logging.get_logger(__name__)

_CHECKPOINT_FOR_DOC = "bert-base-uncased"
_CONFIG_FOR_DOC = "BertConfig"

TF_BERT_PRETRAINED_MODEL_ARCHIVE_LIST = [
    "bert-base-uncased",
]


class _TFBertHelper:
    """Private helper, not part of the public API."""

    @staticmethod
    def scale(x: tf.Tensor) -> tf.Tensor:
        return x * np.float32(1.0)


class TFBertEmbeddings(tf.keras.layers.Layer):
    """Construct the embeddings from word ids (internal layer, not exported)."""

    def __init__(self, config: BertConfig, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = config.vocab_size
        self.hidden_size = config.hidden_size

    def call(self, input_ids: tf.Tensor) -> tf.Tensor:
        return tf.one_hot(input_ids, depth=self.hidden_size)


@keras_serializable
class TFBertMainLayer(tf.keras.layers.Layer):
    config_class = BertConfig

    def __init__(self, config: BertConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config

    def call(self, input_ids: Optional[tf.Tensor] = None, training: bool = False) -> Tuple[tf.Tensor]:
        batch_size, seq_length = shape_list(input_ids)
        return (tf.zeros((batch_size, seq_length, self.config.hidden_size)),)


class TFBertPreTrainedModel(TFPreTrainedModel):
    """
    An abstract class to handle weights initialization and a simple interface for downloading and loading
    pretrained models.
    """

    config_class = BertConfig
    base_model_prefix = "bert"


class TFBertModel(TFBertPreTrainedModel):
    def __init__(self, config: BertConfig, *inputs, **kwargs):
        super().__init__(config, *inputs, **kwargs)
        self.bert = TFBertMainLayer(config, name="bert")

    def call(
        self,
        input_ids: Optional[Union[np.ndarray, tf.Tensor]] = None,
        training: Optional[bool] = False,
    ) -> Tuple[tf.Tensor]:
        return self.bert(input_ids=input_ids, training=training)


class TFBertForMaskedLM(TFBertPreTrainedModel, TFMaskedLanguageModelingLoss):
    def __init__(self, config: BertConfig, *inputs, **kwargs):
        super().__init__(config, *inputs, **kwargs)
        self.bert = TFBertMainLayer(config, name="bert")

    def call(
        self,
        input_ids: Optional[Union[np.ndarray, tf.Tensor]] = None,
        training: Optional[bool] = False,
    ) -> Tuple[tf.Tensor]:
        return self.bert(input_ids=input_ids, training=training)


class TFBertForSequenceClassification(TFBertPreTrainedModel, TFSequenceClassificationLoss):
    def __init__(self, config: BertConfig, *inputs, **kwargs):
        super().__init__(config, *inputs, **kwargs)
        self.bert = TFBertMainLayer(config, name="bert")

    def call(
        self,
        input_ids: Optional[Union[np.ndarray, tf.Tensor]] = None,
        training: Optional[bool] = False,
    ) -> Tuple[tf.Tensor]:
        return self.bert(input_ids=input_ids, training=training)
