"""Minimal stand-in for `transformers.tf_utils`."""
from .modeling_tf_utils import shape_list


__all__ = ["shape_list"]
