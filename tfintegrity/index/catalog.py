"""The models of a repository, for one backend: folders, model types, doc pages, public classes.

Built from the index's facts only (nothing is imported). A *public class* of a backend is a
top-level class whose name does not start with ``_`` and whose bases lead to the backend's base
class (``TFPreTrainedModel``), followed within the file and across files through relative imports
(mt5's classes inherit from classes imported from the T5 file).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Set, Tuple

from tfintegrity.facts import ImportedName, InitFacts, ModuleFacts
from tfintegrity.index.repo import RepoIndex
from tfintegrity.ruleset import Backend

DEPRECATED = "deprecated"


@dataclass(frozen=True)
class PublicClass:
    name: str
    module: str  # module stem, e.g. "modeling_tf_bert"
    path: str
    line: int
    col: int


@dataclass(frozen=True)
class Model:
    """One folder under ``models/`` and what one backend has there."""

    folder: str  # path under models/, e.g. "bert" or "deprecated/van"
    dotted: str  # "bert" or "deprecated.van"
    init_path: str
    model_types: Tuple[Tuple[str, str], ...]  # (model_type, config class)
    modules: Tuple[str, ...]  # backend modeling module stems, sorted
    main_modules: Tuple[str, ...]  # those the model init keys (all when none is keyed)
    classes: Tuple[PublicClass, ...]  # public classes of the main modules, in file order
    constants: Tuple[PublicClass, ...]  # exported constants defined in the main modules
    exports: Mapping[str, str]  # every backend name the model exports -> the main module it comes from
    # What the top-level init must import of them: all, for an init that lists its names; the required ones,
    # for a computed init (its modules' ``__all__`` also list layers the top-level init leaves out).
    package_exports: Tuple[str, ...] = ()

    def module_path(self, package: str, stem: str) -> str:
        return f"{package}/models/{self.folder}/{stem}.py"

    def required(self) -> Tuple[str, ...]:
        return tuple(c.name for c in self.constants) + tuple(c.name for c in self.classes)

    def model_type_for(self, class_name: str, prefix: str) -> Optional[str]:
        """The model_type whose config class name (minus ``Config``) best prefixes the class name."""
        best: Optional[Tuple[int, str]] = None
        for model_type, config in self.model_types:
            stem = config[: -len("Config")] if config.endswith("Config") else config
            if class_name.startswith(prefix + stem) and (best is None or len(stem) > best[0]):
                best = (len(stem), model_type)
        if best is not None:
            return best[1]
        return self.model_types[0][0] if len(self.model_types) == 1 else None


class Catalog:
    """Models and classes of one backend, computed lazily from a ``RepoIndex``."""

    def __init__(self, index: RepoIndex, backend: Backend) -> None:
        self.index = index
        self.backend = backend
        self.package = index.package
        self.models_dir = f"{self.package}/models"
        self._constant = re.compile(backend.constant_pattern)
        self._helper = re.compile(backend.helper_pattern) if backend.helper_pattern else None
        self._private = re.compile(backend.private_pattern) if backend.private_pattern else None
        self._public: Dict[Tuple[str, str], bool] = {}  # filled from and into index.memo
        self._models: Optional[Dict[str, Model]] = None
        self._defined_anywhere: Optional[Dict[str, List[str]]] = None
        # While one model is built to be kept across runs, what it reads must be read by that build itself
        # (so its record names every file it depends on): the memo of public classes shared with the
        # other models is set aside.
        self._isolated = False

    # ------------------------------------------------------------------ folders and files

    def folders(self) -> List[str]:
        """Model folders: those with an ``__init__.py``, and those with a backend modeling file but no init
        (a half-finished branch: their classes still exist, and the missing init is reported)."""
        found = []
        for name in self.index.listdir(self.models_dir):
            if name == DEPRECATED:
                for sub in self.index.listdir(f"{self.models_dir}/{DEPRECATED}"):
                    if self._is_model_folder(f"{DEPRECATED}/{sub}"):
                        found.append(f"{DEPRECATED}/{sub}")
            elif self._is_model_folder(name):
                found.append(name)
        return found

    def _is_model_folder(self, folder: str) -> bool:
        return self.index.exists(f"{self.models_dir}/{folder}/__init__.py") or bool(self.modeling_files(folder))

    def modeling_files(self, folder: str) -> List[str]:
        found = self.index.glob(f"{self.models_dir}/{folder}", self.backend.modeling_glob)
        excluded = self.backend.modeling_exclude
        return [f for f in found if not any(fnmatch.fnmatchcase(f.rsplit("/", 1)[-1], g) for g in excluded)]

    def planned_reads(self) -> List[Tuple[str, str]]:
        """(kind of facts, path) the models are built from: each folder's backend modeling files, its
        init and its configuration files (what ``models()`` reads; the index may read them all at once)."""
        out: List[Tuple[str, str]] = []
        for folder in self.folders():
            files = self.modeling_files(folder)
            if not files:
                continue
            out.append(("init", f"{self.models_dir}/{folder}/__init__.py"))
            out.extend(("module", f) for f in files)
            out.extend(("config", c) for c in self.index.glob(f"{self.models_dir}/{folder}", "configuration_*.py"))
        return out

    # ------------------------------------------------------------------ public classes

    def _resolve_module(self, importer: str, imported: ImportedName) -> Optional[str]:
        if imported.level == 0:
            return None
        parts = importer.split("/")[:-1]
        if imported.level > 1:
            parts = parts[: -(imported.level - 1)]
        if imported.module:
            parts = parts + imported.module.split(".")
        rel = "/".join(parts) + ".py"
        return rel if self.index.exists(rel) else None

    def is_public_class(self, path: str, name: str, _seen: Optional[Set[Tuple[str, str]]] = None) -> bool:
        key = (path, name)
        memo_key = ("public", path, name, self.backend.name)
        if not self._isolated and memo_key in self.index.memo:
            return self.index.memo[memo_key]  # type: ignore[return-value]
        if key in self._public:
            return self._public[key]
        seen = _seen if _seen is not None else set()
        if key in seen:
            return False
        seen.add(key)
        result = self._leads_to_base(path, name, seen)
        self._public[key] = result
        if _seen is None and not self._isolated:
            self.index.memo[memo_key] = result
        return result

    def _leads_to_base(self, path: str, name: str, seen: Set[Tuple[str, str]]) -> bool:
        roots = {self.backend.base_class, *self.backend.extra_base_classes}
        if name in roots:
            return True
        facts = self.index.module(path)
        if facts is None:
            return False
        cls = facts.classes.get(name)
        if cls is not None:
            return any(self.is_public_class(path, base, seen) for base in cls.bases if base)
        imported = facts.imports.get(name)
        if imported is not None and imported.name:
            if imported.name in roots:
                return True
            target = self._resolve_module(path, imported)
            if target is not None:
                return self.is_public_class(target, imported.name, seen)
        return False

    def public_classes(self, path: str) -> List[PublicClass]:
        facts = self.index.module(path)
        if facts is None:
            return []
        stem = facts.stem
        return [
            PublicClass(c.name, stem, path, c.line, c.col)
            for c in sorted(facts.classes.values(), key=lambda c: c.line)
            if not c.name.startswith("_") and self.is_public_class(path, c.name)
        ]

    def _is_borrowed_helper(self, name: str, folder: str, listed_here: Set[str]) -> bool:
        """A helper the model's init does not list and another model's files define too: a copy of that
        model's function (decision_transformer's ``load_tf_weights_in_gpt2``), which only one model can
        export, since the top-level init and the dummies hold each name once."""
        if self._helper is None or not self._helper.match(name) or self._constant.match(name):
            return False
        return name not in listed_here and any(f != folder for f in self.defining_folders(name))

    def constants(self, facts: ModuleFacts) -> List[str]:
        """Exported constants and helper functions (the backend's patterns) the module defines."""
        helper = self._helper
        return sorted(n for n in facts.defined if self._constant.match(n) or (helper and helper.match(n)))

    # ------------------------------------------------------------------ models

    def models(self) -> Dict[str, Model]:
        if self._models is None:
            self._models = {}
            for folder in self.folders():
                model = self._model(folder)
                if model is not None:
                    self._models[folder] = model
        return self._models

    def _model(self, folder: str) -> Optional[Model]:
        """The folder's model; with a cache, the one an earlier run built while nothing it read has changed
        (what a check scoped to one model needs of all the others, without reading their facts)."""
        return self.index.derived_value(
            f"model:{self.backend.name}",
            f"{self.models_dir}/{folder}/__init__.py",
            lambda: self._build_alone(folder),
            self._lookups_hold,
        )

    def _build_alone(self, folder: str) -> Optional[Model]:
        shared, self._public, self._isolated = self._public, {}, True
        try:
            return self._build(folder)
        finally:
            self._public, self._isolated = shared, False

    def _lookups_hold(self, inputs: Mapping[str, object]) -> bool:
        """Whether every name a recorded build looked up among all modeling files is found (or not) as then."""
        recorded = inputs.get("defined", {})
        definers = inputs.get("definers", {})
        return (
            isinstance(recorded, dict)
            and isinstance(definers, dict)
            and all(self.defines_anywhere(n) == v for n, v in recorded.items())
            and all(self.defining_folders(n) == v for n, v in definers.items())
        )

    def init_of(self, folder: str) -> Optional[InitFacts]:
        return self.index.init(f"{self.models_dir}/{folder}/__init__.py")

    def _build(self, folder: str) -> Optional[Model]:
        files = self.modeling_files(folder)
        if not files:
            return None
        init_path = f"{self.models_dir}/{folder}/__init__.py"
        init = self.index.init(init_path)
        stems = [f.rsplit("/", 1)[-1][:-3] for f in files]
        keyed: Set[str] = set()
        if init is not None and init.computed:
            # A computed init exports the modules it star-imports under TYPE_CHECKING, and those with an
            # ``__all__`` (blip's modeling_tf_blip_text.py has neither: a building part of modeling_tf_blip).
            keyed = {b.module for b in init.base_imports if b.star and b.level == 1}
            for stem in stems:
                facts = self.index.module(f"{self.models_dir}/{folder}/{stem}.py")
                if facts is not None and facts.all_names is not None:
                    keyed.add(stem)
        elif init is not None:
            keyed = {s.key for s in init.all_structure()}
        main = [s for s in stems if s in keyed] or stems
        listed_here: Set[str] = set()
        elsewhere: Set[Tuple[str, str]] = set()
        if init is not None:
            listed_here = {n.name for st in init.guarded_structure(self.backend.guard) for n in st.names}
            # (module, name) the init exports from that very module under another guard only (4.10's detr:
            # modeling_detr's classes under `is_timm_available()`): the model's choice of guard, so not
            # required under this one. (A name another module exports is another class: xlm_roberta's
            # torch block lists the PyTorch XLMRobertaForCausalLM, not the TF file's class of that name.)
            elsewhere = {
                (st.key, n.name)
                for g in init.structure_guards
                if g.guard != (self.backend.guard,)
                for st in g.structure
                for n in st.names
                if n.name not in listed_here
            }
        classes: List[PublicClass] = []
        constants: List[PublicClass] = []
        exports: Dict[str, str] = {}
        for stem in main:
            path = f"{self.models_dir}/{folder}/{stem}.py"
            facts = self.index.module(path)
            if facts is None:
                continue
            for cls in self.public_classes(path):
                if self._private and self._private.search(cls.name) and cls.name not in listed_here:
                    continue  # a building part (an encoder, a wrapper) the init does not export
                if (stem, cls.name) in elsewhere:
                    continue
                classes.append(cls)
                exports.setdefault(cls.name, stem)
            for name in self.constants(facts):
                if (stem, name) in elsewhere or self._is_borrowed_helper(name, folder, listed_here):
                    continue
                constants.append(PublicClass(name, stem, path, 1, 1))
                exports.setdefault(name, stem)
        # A computed init (``define_import_structure``) exports what each module's ``__all__`` lists.
        if init is not None and init.computed:
            for stem in main:
                facts = self.index.module(f"{self.models_dir}/{folder}/{stem}.py")
                if facts is not None and facts.all_names is not None:
                    for located in facts.all_names.names:
                        if located.name not in exports and facts.exposes(located.name):
                            exports[located.name] = stem
        # Names the model's init lists for this backend and a main module exposes (main layers, say).
        elif init is not None:
            listed: List[Tuple[str, str]] = []
            for statement in init.guarded_structure(self.backend.guard):
                listed.extend((n.name, statement.key) for n in statement.names)
            for block in init.guarded_imports(self.backend.guard):
                listed.extend((n.name, block.module) for n in block.names)
            for name, stem in listed:
                if name in exports or stem not in main:
                    continue
                facts = self.index.module(f"{self.models_dir}/{folder}/{stem}.py")
                if facts is not None and facts.exposes(name) and self.defines_anywhere(name):
                    exports[name] = stem
        package_exports = tuple(exports)
        if init is not None and init.computed:
            required = {c.name for c in (*classes, *constants)}
            package_exports = tuple(n for n in exports if n in required)
        config_types: List[Tuple[str, str]] = []
        for config_path in self.index.glob(f"{self.models_dir}/{folder}", "configuration_*.py"):
            config = self.index.config(config_path)
            if config is not None:
                config_types.extend(config.model_types)
        return Model(
            folder=folder,
            dotted=folder.replace("/", "."),
            init_path=init_path,
            model_types=tuple(config_types),
            modules=tuple(stems),
            main_modules=tuple(main),
            classes=tuple(classes),
            constants=tuple(constants),
            exports=exports,
            package_exports=package_exports,
        )

    def defined_anywhere(self) -> Dict[str, List[str]]:
        """Every name defined at top level by some backend modeling file -> those files."""
        if self._defined_anywhere is None:
            found: Dict[str, List[str]] = {}
            # A model's record notes the names it looks up here (defines_anywhere), not every file read here.
            with self.index.unrecorded():
                for folder in self.folders():
                    for path in self.modeling_files(folder):
                        defined = self.index.summary("defined", path, lambda p=path: self._defined_in(p))
                        for name in defined or ():
                            found.setdefault(name, []).append(path)
            self._defined_anywhere = found
        return self._defined_anywhere

    def _defined_in(self, path: str) -> Optional[frozenset]:
        facts = self.index.module(path)
        return None if facts is None else facts.defined

    def defines_anywhere(self, name: str) -> bool:
        found = name in self.defined_anywhere()
        self.index.note_input("defined", name, found)
        return found

    def defining_folders(self, name: str) -> List[str]:
        """The model folders whose backend modeling files define ``name`` at top level."""
        paths = self.defined_anywhere().get(name, ())
        folders = sorted({path[len(self.models_dir) + 1 :].rsplit("/", 1)[0] for path in paths})
        self.index.note_input("definers", name, folders)
        return folders

    def is_stale(self, name: str, folder: Optional[str]) -> bool:
        """The evidence a fix needs before it removes an entry: no backend modeling file of any model
        defines ``name``, and no module of the model's own folder does (``TFBertTokenizer`` lives in a
        tokenization file, esm's TF block lists a PyTorch constant). Without that evidence an entry stays."""
        if name in self.defined_anywhere():
            return False
        if folder is None:
            return True
        return not self._folder_defines(name, folder, "*.py")

    def defined_by_modeling_file(self, name: str, folder: str) -> bool:
        """Whether a modeling file of any backend in the model's folder (``modeling_*.py``) defines ``name``,
        rather than only a processor, feature extractor, retriever or configuration module."""
        return self._folder_defines(name, folder, "modeling_*.py")

    def _folder_defines(self, name: str, folder: str, pattern: str) -> bool:
        """Whether a module of the model's folder matching ``pattern`` (its init aside) defines ``name``."""
        key = ("folder-defines", folder, pattern, name)
        if key not in self.index.memo:
            self.index.memo[key] = any(
                (facts := self.index.module(path)) is not None and name in facts.defined
                for path in self.index.glob(f"{self.models_dir}/{folder}", pattern)
                if not path.endswith("/__init__.py")
            )
        return self.index.memo[key]

    def folder_of_module(self, dotted: str) -> Optional[str]:
        """The model folder a dotted module of the package lies in (``models.bert`` -> ``bert``)."""
        parts = dotted.split(".")
        if len(parts) < 2 or parts[0] != "models":
            return None
        if parts[1] == DEPRECATED and len(parts) > 2:
            return f"{DEPRECATED}/{parts[2]}"
        return parts[1]

    def model_of_dotted(self, dotted: str) -> Optional[Model]:
        return self.models().get(dotted.replace(".", "/"))

    def doc_page(self, model: Model, doc_dir: str) -> Tuple[str, bool]:
        """The model's doc page (root-relative) and whether it exists."""
        base = model.folder.rsplit("/", 1)[-1]
        candidates = [t for t, _ in model.model_types] + [base, base.replace("_", "-")]
        for stem in candidates:
            for suffix in (".md", ".mdx"):  # .mdx pages before v4.31
                rel = f"{doc_dir}/{stem}{suffix}"
                if self.index.exists(rel):
                    return rel, True
        stem = model.model_types[0][0] if model.model_types else base.replace("_", "-")
        return f"{doc_dir}/{stem}.md", False

    def models_for_paths(self, paths: Iterable[str]) -> Set[str]:
        """Folders of the models the given root-relative paths lie in (files of ``models/`` itself: none)."""
        wanted: Set[str] = set()
        prefix = self.models_dir + "/"
        for path in paths:
            if path.startswith(prefix):
                rest = path[len(prefix) :].split("/")
                if rest[0] == DEPRECATED and len(rest) > 2:
                    wanted.add("/".join(rest[:2]))
                elif len(rest) > 1:
                    wanted.add(rest[0])
        return wanted
