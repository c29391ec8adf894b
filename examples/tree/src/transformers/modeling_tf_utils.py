"""Minimal stand-in for `transformers.modeling_tf_utils`."""
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
