"""Minimal stand-in for `transformers.utils` in a synthetic tree (only what the other files import)."""
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
