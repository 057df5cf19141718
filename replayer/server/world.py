"""The world: one state model per service, seeded to W0 from the cassettes, reset on demand."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from awsrec.errors import AwsrecError
from replayer.server.recordings import Recordings
from replayer.state.base import MODEL_PATHS, ServiceModel

log = logging.getLogger("awsrec.serve")


class ModelLoadError(AwsrecError):
    """A state model exists but could not be imported or seeded."""


def _load_class(spec: str) -> type[ServiceModel] | None:
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        # Only the model's own module missing means "not built yet: serve as opaque".
        if e.name and module_name.startswith(e.name):
            return None
        raise ModelLoadError(f"cannot import state model {spec}: {e}") from e
    cls = getattr(module, attr, None)
    if cls is None:
        return None
    if not (isinstance(cls, type) and issubclass(cls, ServiceModel)):
        raise ModelLoadError(f"{spec} is not a ServiceModel")
    return cls


class World:
    """Models are created lazily (serving S3 never imports Lambda) and seeded on creation."""

    def __init__(
        self,
        recordings: Recordings,
        state_dir: Path | None,
        account: str,
        model_paths: Mapping[str, str] | None = None,
    ) -> None:
        self._recordings = recordings
        self._state_dir = state_dir
        self._account = account
        self._paths = {**MODEL_PATHS, **(model_paths or {})}
        self._models: dict[str, ServiceModel | None] = {}
        self._ops: dict[str, frozenset[str]] = {}
        for service in sorted(recordings.services()):
            self.model(service)

    def model(self, service: str) -> ServiceModel | None:
        if service in self._models:
            return self._models[service]
        spec = self._paths.get(service)
        cls = _load_class(spec) if spec else None
        model: ServiceModel | None = None
        if cls is not None:
            sdir = self._state_dir / service if self._state_dir is not None else None
            if sdir is not None:
                sdir.mkdir(parents=True, exist_ok=True)
            model = cls(state_dir=sdir, account=self._account)
            model.seed(self._recordings.of_service(service))
            self._ops[service] = cls.operations()
        self._models[service] = model
        return model

    def handler_for(self, service: str, operation: str) -> ServiceModel | None:
        """The model that handles `operation`, or None when it is opaque."""
        model = self.model(service)
        if model is None or operation not in self._ops.get(service, frozenset()):
            return None
        return model

    def reset(self) -> None:
        for model in self._models.values():
            if model is not None:
                model.reset()

    def close(self) -> None:
        """The server is stopping: each model stops its processes and background tasks."""
        for model in self._models.values():
            if model is not None:
                model.close()

    def services(self) -> dict[str, str]:
        """For health: each known service and whether it is modelled or opaque."""
        known = set(self._paths) | self._recordings.services()
        out = {}
        for service in sorted(known):
            loaded = service in self._models
            model = self._models.get(service)
            out[service] = "model" if model is not None else ("opaque" if loaded else "lazy")
        return out

    def dump(self) -> dict[str, Any]:
        return {s: m.dump() for s, m in sorted(self._models.items()) if m is not None}
