"""Train the sentence-role model on CSAbstruct and write its weights and a results table.

CSAbstruct: Cohan et al., "Pretrained Language Models for Sequential Sentence Classification",
EMNLP 2019 (Apache-2.0), read in place from ``../shared/datasets/csabstruct``.

Every choice (classifier, regularisation, context features, transition weight) is made on
``dev.jsonl``; the chosen configuration is refitted on train + dev, written to
``surveykit/data/roles/sentence_roles.npz`` and evaluated once on ``test.jsonl`` next to a
majority-class and a position-only baseline. Results go to ``benchmarks/results/sentence_roles.md``.

    python benchmarks/train_sentence_roles.py            # ~5 min the first time (embeds ~15k sentences)
    python benchmarks/train_sentence_roles.py --no-write # evaluate only
    python benchmarks/train_sentence_roles.py --mlp      # also try a small MLP (slower)
    python benchmarks/train_sentence_roles.py --lexical  # the big-corpus model: no embeddings

``--lexical`` trains the model used above ``[embed] static_above`` papers: TF-IDF n-grams and
position only, no sentence embedding (embedding 700,000 sentences costs more than the whole
budget of the stage), chosen on dev the same way; it writes ``sentence_roles_lexical.npz`` and
its own section of the results file (the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # deterministic and faster on a shared CPU

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402

from surveykit.embed import embed_texts  # noqa: E402
from surveykit.roles.classifier import (  # noqa: E402
    ROLES,
    Lexicon,
    RoleModel,
    model_features,
    position_features,
    transition_logs,
    weights_path,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = 0


def shared_dir() -> Path:
    env = os.environ.get("SURVEYKIT_SHARED")
    return (Path(env) if env else ROOT.parent / "shared") / "datasets" / "csabstruct"


def load_split(folder: Path, split: str) -> list[dict]:
    """Abstracts of one split: ``{"sentences", "labels"}`` with labels as role indices."""
    rows = []
    with open(folder / f"{split}.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            rows.append(
                {"sentences": record["sentences"], "labels": [ROLES.index(x) for x in record["labels"]]}
            )
    return rows


# Feature sets: (context embeddings, TF-IDF n-grams).
KINDS = {
    "emb": (False, False),
    "emb+context": (True, False),
    "ngrams+emb": (False, True),
    "ngrams+emb+context": (True, True),
    "ngrams": (False, True),  # no embedding at all (the big-corpus model)
}
LEXICAL_SECTION = "## Big-corpus model: n-grams and position, no sentence embedding"


class Split:
    """One split: per-abstract sentence texts, embeddings and label sequences."""

    def __init__(self, abstracts: list[dict], vectors: dict[str, np.ndarray]) -> None:
        self.texts = [a["sentences"] for a in abstracts]
        self.embeddings = [np.stack([vectors[s] for s in a["sentences"]]) for a in abstracts]
        self.labels = [a["labels"] for a in abstracts]
        self.y = np.concatenate([np.array(x) for x in self.labels])
        self.flat_texts = [s for a in self.texts for s in a]

    def features(self, kind: str, lexicon: Lexicon | None) -> list:
        if kind == "position":
            return [position_features(len(e)) for e in self.embeddings]
        context, lexical = KINDS[kind]
        return [
            model_features(e if kind != "ngrams" else np.zeros((len(t), 0)), t, context,
                           lexicon if lexical else None)
            for e, t in zip(self.embeddings, self.texts, strict=True)
        ]


class MLP:
    """One hidden ReLU layer with dropout, trained with Adam in torch (seeded, one thread)."""

    def __init__(self, hidden: int, epochs: int = 25, weight_decay: float = 1e-4) -> None:
        self.hidden, self.epochs, self.weight_decay = hidden, epochs, weight_decay
        self.layers: tuple[tuple[np.ndarray, np.ndarray], ...] = ()

    def fit(self, x: np.ndarray, y: np.ndarray) -> MLP:
        import torch

        torch.manual_seed(SEED)
        torch.set_num_threads(1)
        xt = torch.tensor(x, dtype=torch.float32)
        yt = torch.tensor(y, dtype=torch.long)
        net = torch.nn.Sequential(
            torch.nn.Linear(x.shape[1], self.hidden),
            torch.nn.ReLU(),
            torch.nn.Dropout(0.3),
            torch.nn.Linear(self.hidden, len(ROLES)),
        )
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=self.weight_decay)
        gen = torch.Generator().manual_seed(SEED)
        for _ in range(self.epochs):
            net.train()
            for batch in torch.randperm(len(xt), generator=gen).split(128):
                opt.zero_grad()
                loss = torch.nn.functional.cross_entropy(net(xt[batch]), yt[batch])
                loss.backward()
                opt.step()
        first, last = net[0], net[3]
        self.layers = (
            (
                first.weight.detach().numpy().T.astype(np.float64),
                first.bias.detach().numpy().astype(np.float64),
            ),
            (
                last.weight.detach().numpy().T.astype(np.float64),
                last.bias.detach().numpy().astype(np.float64),
            ),
        )
        return self


def layers_of(clf) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Weights of a fitted classifier as ``(W, b)`` layers (softmax output)."""
    if isinstance(clf, LogisticRegression):
        return ((clf.coef_.T.copy(), clf.intercept_.copy()),)
    return clf.layers


def stack(blocks: list):
    return sparse.vstack(blocks, format="csr") if sparse.issparse(blocks[0]) else np.vstack(blocks)


def fit(model: str, param: float, blocks: list, y: np.ndarray):
    x = stack(blocks)
    if model == "lr":
        return LogisticRegression(C=param, max_iter=3000, random_state=SEED).fit(x, y)
    return MLP(int(param)).fit(x.toarray() if sparse.issparse(x) else x, y)


def predict(model: RoleModel, blocks: list) -> np.ndarray:
    return np.concatenate([model.decode(model.probabilities(block))[0] for block in blocks])


def scores(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    return float(accuracy_score(y, pred)), float(f1_score(y, pred, average="macro", labels=range(len(ROLES))))


def make_model(
    clf, labels: list[list[int]], kind: str, lexicon: Lexicon | None, w: float, alpha: float
) -> RoleModel:
    start, trans, end = transition_logs(labels, len(ROLES))
    counts = np.bincount(np.concatenate([np.array(x) for x in labels]), minlength=len(ROLES))
    context, lexical = KINDS.get(kind, (False, False))
    return RoleModel(
        layers_of(clf),
        start,
        trans,
        end,
        w,
        context=context,
        lexicon=lexicon if lexical else None,
        log_prior=np.log(counts / counts.sum()),
        prior_weight=alpha,
        embedding="none" if kind == "ngrams" else "minilm",
    )


DECODING = [(0.0, 0.0)] + [(w, a) for w in (0.5, 1.0) for a in (0.0, 0.5, 1.0)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not write the weights or results")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "sentence_roles.md"))
    parser.add_argument(
        "--mlp", action="store_true", help="also try a one-hidden-layer MLP (torch; ~15 min more on 2 cores)"
    )
    parser.add_argument("--lexical", action="store_true",
                        help="train the big-corpus model (n-grams + position, no embedding)")
    args = parser.parse_args(argv)
    if args.lexical:
        return train_lexical(args)

    folder = shared_dir()
    if not (folder / "train.jsonl").is_file():
        print(f"CSAbstruct not found at {folder}; nothing to do", file=sys.stderr)
        return 0
    t0 = time.time()
    splits = {s: load_split(folder, s) for s in ("train", "dev", "test")}
    texts = sorted({s for rows in splits.values() for a in rows for s in a["sentences"]})
    vectors = dict(zip(texts, embed_texts(texts), strict=True))
    data = {name: Split(rows, vectors) for name, rows in splits.items()}
    train, dev, test = data["train"], data["dev"], data["test"]
    print(f"embedded {len(texts)} sentences in {time.time() - t0:.0f}s", flush=True)

    # Model selection on dev.
    grid = [("ngrams+emb", "lr", c) for c in (0.5, 1.0, 2.0)]
    grid += [("ngrams+emb+context", "lr", 1.0), ("emb+context", "lr", 1.0), ("emb", "lr", 1.0)]
    if args.mlp:
        grid += [("ngrams+emb", "mlp", 256)]
    lexicon = Lexicon.fit(train.flat_texts)
    dev_rows = []
    best = None
    for kind, model_name, param in grid:
        t1 = time.time()
        clf = fit(model_name, param, train.features(kind, lexicon), train.y)
        dev_blocks = dev.features(kind, lexicon)
        for w, alpha in DECODING:
            model = make_model(clf, train.labels, kind, lexicon, w, alpha)
            acc, f1 = scores(dev.y, predict(model, dev_blocks))
            dev_rows.append((kind, model_name, param, w, alpha, acc, f1))
            key = (acc + f1, acc)
            if best is None or key > best[0]:
                best = (key, kind, model_name, param, w, alpha)
        print(
            f"  {kind} {model_name} {param}: {time.time() - t1:.0f}s "
            f"best dev acc {max(r[5] for r in dev_rows if r[:3] == (kind, model_name, param)):.3f}",
            flush=True,
        )
    _, kind, model_name, param, w, alpha = best
    print(
        f"chosen on dev: {kind} {model_name} {param} transition weight {w} prior weight {alpha}", flush=True
    )

    # Final fit on train + dev, one evaluation on test.
    lexicon = Lexicon.fit(train.flat_texts + dev.flat_texts)
    both_blocks = train.features(kind, lexicon) + dev.features(kind, lexicon)
    both_labels = train.labels + dev.labels
    both_y = np.concatenate([train.y, dev.y])
    clf = fit(model_name, param, both_blocks, both_y)
    final = make_model(clf, both_labels, kind, lexicon, w, alpha)
    test_blocks = test.features(kind, lexicon)
    test_rows = [("surveykit roles (shipped)", *scores(test.y, predict(final, test_blocks)))]
    no_decode = make_model(clf, both_labels, kind, lexicon, 0.0, 0.0)
    test_rows.append(("same, no sequence decoding", *scores(test.y, predict(no_decode, test_blocks))))
    majority = int(np.bincount(both_y).argmax())
    test_rows.append((f"majority class ({ROLES[majority]})", *scores(test.y, np.full_like(test.y, majority))))
    pos_blocks = train.features("position", None) + dev.features("position", None)
    pos = fit("lr", 1.0, pos_blocks, both_y)
    pos_test = test.features("position", None)
    test_rows.append(("position only (LR)", *scores(test.y, pos.predict(np.vstack(pos_test)))))
    pos_model = make_model(pos, both_labels, "position", None, w, alpha)
    test_rows.append(
        ("position only (LR) + sequence decoding", *scores(test.y, predict(pos_model, pos_test)))
    )

    final_pred = predict(final, test_blocks)
    per_class = f1_score(test.y, final_pred, average=None, labels=range(len(ROLES)))
    lines = render(dev_rows, test_rows, per_class, (kind, model_name, param, w, alpha), len(texts))
    print("\n".join(lines))
    if not args.no_write:
        meta = {
            "trained_on": "CSAbstruct train+dev (Cohan et al., EMNLP 2019)",
            "classifier": f"{model_name}:{param}",
            "test_accuracy": round(test_rows[0][1], 4),
            "test_macro_f1": round(test_rows[0][2], 4),
        }
        target = weights_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        final.save(target, meta=meta)
        output = Path(args.output)
        previous = output.read_text(encoding="utf-8") if output.exists() else ""
        lexical = LEXICAL_SECTION + previous.split(LEXICAL_SECTION)[1] if LEXICAL_SECTION in previous else ""
        output.write_text("\n".join(lines) + "\n" + ("\n" + lexical if lexical else ""), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KB) and {args.output}")
    return 0


def train_lexical(args: argparse.Namespace) -> int:
    """The big-corpus model (module docstring): chosen on dev, refitted on train + dev, one test."""
    from surveykit.roles.classifier import LEXICAL_WEIGHTS_FILE

    folder = shared_dir()
    if not (folder / "train.jsonl").is_file():
        print(f"CSAbstruct not found at {folder}; nothing to do", file=sys.stderr)
        return 0
    splits = {s: load_split(folder, s) for s in ("train", "dev", "test")}
    texts = sorted({s for rows in splits.values() for a in rows for s in a["sentences"]})
    none = {t: np.zeros(0) for t in texts}
    data = {name: Split(rows, none) for name, rows in splits.items()}
    train, dev, test = data["train"], data["dev"], data["test"]
    lexicon = Lexicon.fit(train.flat_texts)
    rows, best = [], None
    for param in (0.5, 1.0, 2.0, 4.0):
        clf = fit("lr", param, train.features("ngrams", lexicon), train.y)
        dev_blocks = dev.features("ngrams", lexicon)
        for w, alpha in DECODING:
            acc, f1 = scores(dev.y, predict(make_model(clf, train.labels, "ngrams", lexicon, w, alpha),
                                            dev_blocks))
            rows.append(("ngrams", "lr", param, w, alpha, acc, f1))
            if best is None or ((acc + f1, acc)) > best[0]:
                best = ((acc + f1, acc), param, w, alpha)
    _, param, w, alpha = best
    lexicon = Lexicon.fit(train.flat_texts + dev.flat_texts)
    clf = fit("lr", param, train.features("ngrams", lexicon) + dev.features("ngrams", lexicon),
              np.concatenate([train.y, dev.y]))
    final = make_model(clf, train.labels + dev.labels, "ngrams", lexicon, w, alpha)
    test_pred = predict(final, test.features("ngrams", lexicon))
    acc, f1 = scores(test.y, test_pred)
    per_class = f1_score(test.y, test_pred, average=None, labels=range(len(ROLES)))
    lines = [
        LEXICAL_SECTION, "",
        "`python benchmarks/train_sentence_roles.py --lexical` -> `surveykit/data/roles/"
        f"{LEXICAL_WEIGHTS_FILE}`, used instead of the model above when the corpus has more papers "
        "than `[embed] static_above` (default 10,000): no sentence is embedded (100,000 abstracts "
        "are ~700,000 sentences), so the features are the same TF-IDF n-grams and position "
        "features without the MiniLM embedding. Chosen on dev like the model above "
        f"(C={param}, transition weight {w}, prior weight {alpha}), refitted on train + dev.",
        "",
        "| model (test split, 1,349 sentences) | accuracy | macro-F1 |",
        "|---|---|---|",
        f"| big-corpus model (n-grams + position) | {acc:.3f} | {f1:.3f} |",
        "",
        "Per-class F1: " + ", ".join(f"{r} {v:.3f}" for r, v in zip(ROLES, per_class, strict=True)) + ".",
        "",
        "| features | classifier | param | transition weight | prior weight | dev accuracy | dev macro-F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {k} | {m} | {p} | {w_} | {a_} | {a:.3f} | {f:.3f} |" for k, m, p, w_, a_, a, f in rows]
    print("\n".join(lines))
    if not args.no_write:
        target = weights_path().parent / LEXICAL_WEIGHTS_FILE
        final.save(target, meta={"trained_on": "CSAbstruct train+dev (Cohan et al., EMNLP 2019)",
                                 "classifier": f"lr:{param}", "test_accuracy": round(acc, 4),
                                 "test_macro_f1": round(f1, 4)})
        output = Path(args.output)
        kept = output.read_text(encoding="utf-8") if output.exists() else ""
        kept = kept.split(LEXICAL_SECTION)[0].rstrip()
        output.write_text((kept + "\n\n" if kept else "") + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)} and {output}")
    return 0


def render(dev_rows, test_rows, per_class, chosen, n_texts: int) -> list[str]:
    kind, model_name, param, w, alpha = chosen
    names = {"lr": "logistic regression, C=", "mlp": "MLP, hidden units="}
    lines = [
        "# Sentence roles on CSAbstruct",
        "",
        "Command: `python benchmarks/train_sentence_roles.py`",
        "",
        "Data: CSAbstruct (Cohan et al., EMNLP 2019, Apache-2.0), 1,668 / 295 / 226 abstracts "
        f"(train / dev / test), {n_texts} distinct sentences; roles background, objective, method, "
        "result, other. Feature sets: `emb` = all-MiniLM-L6-v2 embedding of the sentence + position "
        "(relative position, first, last, abstract length); `context` adds the embeddings of the "
        "previous and next sentence and the abstract mean; `ngrams` adds TF-IDF word uni- and bigrams "
        "(min. document frequency 3). Decoding: Viterbi over transitions counted on the training "
        "abstracts, emissions log p(role|sentence) - prior weight x log p(role), transitions scaled "
        "by the transition weight (weight 0 = per-sentence argmax). Everything chosen on dev (by "
        "dev accuracy + macro-F1); the chosen configuration is refitted on train + dev and evaluated "
        "once on test.",
        "",
        f"Chosen: {kind} features, {names[model_name]}{param}, transition weight {w}, prior weight {alpha}.",
        "",
        "## Test split (1,349 sentences)",
        "",
        "| model | accuracy | macro-F1 |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {acc:.3f} | {f1:.3f} |" for name, acc, f1 in test_rows]
    lines += [
        "| published reference: SciBERT sequential (Cohan et al. 2019) | ~0.83 | |",
        "",
        "Per-class F1 of the shipped model: "
        + ", ".join(f"{r} {v:.3f}" for r, v in zip(ROLES, per_class, strict=True))
        + ".",
        "",
        "## Model selection on dev (2,026 sentences, fitted on train)",
        "",
        "| features | classifier | param | transition weight | prior weight | accuracy | macro-F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {k} | {m} | {p} | {w_} | {a_} | {a:.3f} | {f:.3f} |" for k, m, p, w_, a_, a, f in dev_rows]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
