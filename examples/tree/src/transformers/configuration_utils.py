"""Minimal stand-in for `transformers.configuration_utils`."""


class PretrainedConfig:
    model_type: str = ""

    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            setattr(self, key, value)
