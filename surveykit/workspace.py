"""What the notebooks share: the config plus everything earlier stages saved, loaded on first use.

Each notebook opens the workspace, reads what the notebooks before it saved under ``build/`` and
saves its own results there, so any notebook can be re-run alone::

    ws = Workspace.open("../survey.toml")
    ws.corpus          # build/corpus.parquet          (01_corpus)
    ws.embeddings      # cached by content              (02_topics)
    ws.topics          # build/topics.json              (02_topics)
    ws.attributes      # build/attributes.parquet       (03_tables)
    ws.keys            # paper id -> citation key       (same rules as bib/references.bib)
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.config import CONFIG_NAME, SurveyConfig, load_config
from surveykit.corpus.model import Corpus

if TYPE_CHECKING:
    from surveykit.attributes import AttributeTable
    from surveykit.draft.backend import ChatBackend
    from surveykit.roles import RoleSentence
    from surveykit.topics import TopicResult
    from surveykit.topics.living import TopicChanges

ASSIGNMENT_COLUMNS = ["topic", "topic_label", "section", "section_label", "score"]
TOPIC_COLUMNS = ["topic", "label", "section", "section_label", "size", "keywords", "representatives"]


def topic_frames(result: TopicResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The topic result as the two frames the tables, figures and draft read.

    ``assignments``: index paper id; ``topic``, ``topic_label``, ``section``, ``section_label``,
    ``score``. ``topics``: one row per topic in taxonomy order; ``topic``, ``label``, ``section``,
    ``section_label``, ``size``, ``keywords`` (list), ``representatives`` (list of paper ids).
    """
    sections = {s.id: s.label for s in result.sections}
    labels = result.labels()
    assignments = result.assignments.copy()
    assignments.index.name = "paper_id"
    assignments["topic_label"] = assignments["topic"].map(labels)
    assignments["section_label"] = assignments["section"].map(sections)
    assignments = assignments[ASSIGNMENT_COLUMNS]
    rows = []
    for section in result.sections:
        for topic_id in section.topic_ids:
            topic = result.topic(topic_id)
            rows.append({
                "topic": topic.id, "label": topic.label, "section": section.id,
                "section_label": section.label, "size": topic.size,
                "keywords": list(topic.keywords), "representatives": list(topic.representative_ids),
            })
    return assignments, pd.DataFrame(rows, columns=TOPIC_COLUMNS)


def made_from(marker: Path, key: str, table: Path) -> bool:
    """``marker`` (JSON) records ``key`` and ``table``'s current digest: the saved table is what
    inputs of digest ``key`` make, and nobody edited it since."""
    import json

    from surveykit.stages import file_digest

    try:
        saved = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return saved.get("key") == key and saved.get("table") == file_digest(table)


def record_made_from(marker: Path, key: str, table: Path) -> None:
    """Write the :func:`made_from` marker of ``table``."""
    import json

    from surveykit import io
    from surveykit.stages import file_digest

    io.write_text(marker, json.dumps({"key": key, "table": file_digest(table)}) + "\n")


class Workspace:
    """One survey's config and saved stage outputs; properties load lazily and are cached."""

    def __init__(self, config: SurveyConfig) -> None:
        self.config = config
        self.paths = config.paths.ensure()

    @classmethod
    def open(cls, config_path: str | os.PathLike[str] | None = CONFIG_NAME,
             output_dir: str | os.PathLike[str] | None = None) -> Workspace:
        """Read ``survey.toml`` (defaults when absent) and make the output folders."""
        return cls(load_config(config_path, output_dir))

    def __repr__(self) -> str:
        return f"Workspace(config={self.config.path}, outputs={self.paths.root})"

    # --- stage outputs ----------------------------------------------------------------------

    @cached_property
    def corpus(self) -> Corpus:
        from surveykit.corpus.build import load_corpus

        return load_corpus(self.config)

    @cached_property
    def embedding_model(self) -> str:
        """The papers' embedding model (``[embed] model``; ``"auto"`` decided by the corpus size)."""
        from surveykit.embed import EmbedSettings

        return EmbedSettings.from_config(self.config).model_for(len(self.corpus))

    @cached_property
    def embeddings(self) -> np.ndarray:
        """One row per paper (corpus order); computed once per text and model, then cached."""
        from surveykit.embed import EmbedSettings

        return EmbedSettings.from_config(self.config).embed(
            self.corpus.texts(), self.embedding_model, self.paths.cache / "embeddings")

    @cached_property
    def map_coordinates(self) -> np.ndarray:
        """The paper map's 2-D layout (t-SNE or PCA of the embeddings, ``[figures] projection`` and
        ``seed``), kept in ``build/paper_map_xy.npy`` while the embeddings and those settings are
        the ones it was made from: a re-run after a curation edit does not lay the map out again."""
        import hashlib
        import json

        from surveykit import io
        from surveykit.figures.data import project_2d
        from surveykit.figures.stage import figure_options

        options = figure_options(self.config)
        vectors = np.ascontiguousarray(self._topic_space_embeddings())
        key = hashlib.sha256(vectors.tobytes() + repr(vectors.shape).encode() + json.dumps(
            [options["projection"], options["seed"]]).encode()).hexdigest()
        path, meta = self.paths.build / "paper_map_xy.npy", self.paths.build / "paper_map_xy.json"
        try:
            if json.loads(meta.read_text(encoding="utf-8")).get("key") == key:
                coordinates = np.load(path)
                io.claim(path), io.claim(meta)  # still made by this stage (output manifest)
                return coordinates
        except (OSError, ValueError):
            pass
        coordinates = project_2d(vectors, options["projection"], options["seed"])
        with io.atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.save(handle, coordinates)
        io.write_text(meta, json.dumps({"key": key}) + "\n")
        return coordinates

    def _topic_space_embeddings(self) -> np.ndarray:
        """The embeddings as the topic stage saw them: papers without an abstract moved by its
        title-only shift (:mod:`surveykit.topics.title_only`), so that the map places them among
        their subject's papers; the plain embeddings before the topics are fitted."""
        from surveykit.topics.living import align_saved

        try:
            state = self.topics.state
        except FileNotFoundError:
            return self.embeddings
        return align_saved(self.corpus, self.embeddings, state)

    @cached_property
    def sentence_roles(self) -> list[list[RoleSentence]]:
        """Each abstract's sentences with their rhetorical role and cue flags (corpus order).

        The role model reads all-MiniLM-L6-v2 features whatever ``embedding_model`` says (sentence
        embeddings share the embedding cache), except above ``[embed] static_above`` papers, where
        the big-corpus model reads none (:func:`surveykit.roles.classifier.role_model_for`). Kept
        in ``build/sentence_roles.parquet`` (read back while it matches the corpus).
        """
        from surveykit.embed import EmbedSettings, embed_texts
        from surveykit.roles.annotate import load_or_annotate
        from surveykit.roles.classifier import role_model_for

        cache = self.paths.cache / "embeddings"
        model = role_model_for(len(self.corpus), EmbedSettings.from_config(self.config).static_above)
        return load_or_annotate(self.corpus.papers, self.paths.build / "sentence_roles.parquet",
                                embed=lambda texts: embed_texts(texts, cache_dir=cache), model=model)

    @cached_property
    def paper_types(self) -> pd.DataFrame:
        """``paper_id, type, evidence, cue`` per paper (survey, benchmark, method, empirical,
        position, system), from title, abstract and sentence roles; saved to
        ``build/paper_types.csv``, read back while the corpus, its sentence roles and surveykit
        are the ones it was made from (``build/paper_types.key.json``)."""
        import hashlib

        from surveykit import io
        from surveykit.roles import detect_paper_types
        from surveykit.stages import file_digest, package_digest

        path, marker = self.paths.build / "paper_types.csv", self.paths.build / "paper_types.key.json"
        self.sentence_roles  # noqa: B018 - made (and saved) when missing: part of the key
        digest = hashlib.sha256(package_digest().encode())
        for paper in self.corpus.papers:
            digest.update(f"\0{paper.id}\0{paper.title}\0{paper.abstract}".encode())
        digest.update(file_digest(self.paths.build / "sentence_roles.parquet").encode())
        key = digest.hexdigest()
        if made_from(marker, key, path):
            io.claim(path), io.claim(marker)  # read back: still this stage's outputs
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        marker.unlink(missing_ok=True)
        frame = detect_paper_types(self.corpus.papers, self.sentence_roles)
        io.write_text(path, frame.to_csv(index=False))
        record_made_from(marker, key, path)
        return frame

    @cached_property
    def topics(self) -> TopicResult:
        from surveykit.topics import TopicResult

        try:
            return TopicResult.load(self.paths.build)
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"{exc}; run notebooks/02_topics.ipynb first") from None

    @property
    def assignments(self) -> pd.DataFrame:
        return topic_frames(self.topics)[0]

    @property
    def topic_table(self) -> pd.DataFrame:
        return topic_frames(self.topics)[1]

    @cached_property
    def attributes(self) -> AttributeTable:
        from surveykit.attributes import AttributeTable
        from surveykit.attributes.extract import attributes_path

        path = attributes_path(self.config)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no attributes yet; run notebooks/03_tables.ipynb first")
        return AttributeTable.load(path)

    @cached_property
    def keys(self) -> dict[str, str]:
        from surveykit.bib.stage import citation_keys

        return citation_keys(self.config, self.corpus)

    # --- running stages ---------------------------------------------------------------------

    def phrase_embedder(self, texts: list[str]) -> np.ndarray:
        """Embed label phrases with the papers' model (closeness of a label to its topic's
        centre); remembered for the session and cached on disk apart from the papers (a lookup
        does not read the 100,000 papers' vectors)."""
        from surveykit.embed import embed_texts

        memory = self.__dict__.setdefault("_phrase_vectors", {}).setdefault(self.embedding_model, {})
        missing = sorted({t for t in texts if t not in memory})
        if missing:
            vectors = embed_texts(missing, model=self.embedding_model,
                                  cache_dir=self.paths.cache / "phrase-embeddings", progress=False)
            memory.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([memory[t] for t in texts])

    def fit_topics(self, refit: bool | None = None) -> TopicResult:
        """The topic stage with ``[topics]`` from survey.toml and the curation file; saves
        ``build/topics.json``, ``topic_assignments.parquet`` and the change report
        ``topic_changes.md``/``.csv`` (also in :attr:`topic_changes`).

        A living taxonomy (:mod:`surveykit.topics.living`): when ``build/topics.json`` was made
        with the same settings, new papers are placed in its topics and nothing is refitted;
        ``refit=True`` (or ``refit = true`` under ``[topics]``) fits from scratch."""
        from surveykit.embed import model_identity
        from surveykit.topics import TopicConfig
        from surveykit.topics.living import run_topic_stage

        curation = self.config.curation if self.config.curation and self.config.curation.exists() else None
        options = self.config.section("topics")
        settings = TopicConfig.from_dict(options)
        refit = bool(options.get("refit", False)) if refit is None else bool(refit) or bool(
            options.get("refit", False))
        model_id = model_identity(self.embedding_model)
        types = dict(zip(self.paper_types["paper_id"], self.paper_types["type"], strict=True))
        result, changes = run_topic_stage(self.corpus, self.embeddings, settings, curation,
                                          folder=self.paths.build, refit=refit, model_id=model_id,
                                          paper_types=types,
                                          phrase_embedder=self.phrase_embedder)
        if changes.mode == "placed":  # no fit in this session: BERTopic's figures need a model
            from surveykit.topics.living import attach_model

            attach_model(result, self.corpus, settings)
        backend = self._naming_backend() if changes.mode != "placed" else None
        if backend is not None:
            from surveykit.topics.naming import name_topics

            name_topics(result, self.corpus, backend)
        changes.save(self.paths.build)  # before topics.json, which marks the stage complete
        result.save(self.paths.build)
        self.__dict__["topics"] = result
        self.__dict__["topic_changes"] = changes
        return result

    @cached_property
    def topic_changes(self) -> TopicChanges:
        """What changed in the topics at the last :meth:`fit_topics` of this session."""
        raise FileNotFoundError("no topic changes in this session: call ws.fit_topics() first "
                                f"(the last report is {self.paths.build / 'topic_changes.md'})")

    def _naming_backend(self) -> ChatBackend | None:
        """The chat backend when ``[draft.backend]`` sets ``rewrite_topic_names``, else None."""
        from surveykit.draft.stage import backend_from_config

        backend = backend_from_config(self.config)
        return backend if backend is not None and backend.config.rewrite_topic_names else None

    def extract_attributes(self) -> AttributeTable:
        """Extract the attributes of every paper (schema: defaults + ``[attributes]``); save them.

        They depend on the corpus, its sentence roles, ``[attributes]`` and surveykit, not on the
        topics: while those are what the saved ``build/attributes.parquet`` was made from
        (``build/attributes.key.json``), it is read back instead (a curation edit re-runs notebook
        03 for its tables, not for the attributes)."""
        from surveykit import io
        from surveykit.attributes import AttributeTable
        from surveykit.attributes.extract import attributes_path, build_attributes

        path = attributes_path(self.config)
        marker = path.with_name("attributes.key.json")
        key = self._attributes_key()
        if made_from(marker, key, path):
            table = AttributeTable.load(path)
            for made in (path, path.with_suffix(".csv"), path.with_name("attributes_wide.csv"), marker):
                io.claim(made)  # read back, still this stage's outputs (the output manifest keeps them)
        else:
            marker.unlink(missing_ok=True)
            from surveykit.roles.paper_type import PaperTypeResult

            types = {row.paper_id: PaperTypeResult(row.paper_id, row.type, row.evidence, row.cue)
                     for row in self.paper_types.itertuples(index=False)}
            table = build_attributes(self.config, self.corpus, roles=self.sentence_roles,
                                     paper_types=types)
            record_made_from(marker, key, path)
        self.__dict__["attributes"] = table
        return table

    def _attributes_key(self) -> str:
        """The digest of what the attributes are made from (see :meth:`extract_attributes`)."""
        import hashlib
        import json

        from surveykit.stages import file_digest, package_digest

        self.sentence_roles  # noqa: B018 - made (and saved) when missing: part of the key
        section = self.config.section("attributes")
        extra = self.config.root / section["file"] if section.get("file") else None
        parts = [package_digest(), json.dumps(section, sort_keys=True, default=str),
                 file_digest(self.paths.corpus), file_digest(self.paths.build / "sentence_roles.parquet"),
                 file_digest(extra) if extra else "none"]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()
