"""Topic evaluation: clustering metrics, NPMI/diversity, labels files, the benchmark datasets."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from surveykit.corpus.model import Corpus
from surveykit.evaluate import (
    evaluate_assignments,
    evaluate_command,
    evaluate_corpus_topics,
    join_labels,
    npmi_coherence,
    omega_index,
    overlapping_nmi,
    purity,
    read_label_rows,
    read_labels,
    topic_diversity,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def evaluate_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "evaluate"


# --- clustering metrics ---------------------------------------------------------------------


def test_perfect_clustering_scores_one_whatever_the_topic_ids():
    labels = ["a", "a", "b", "b", "c", "c"]
    result = evaluate_assignments([7, 7, 3, 3, 0, 0], labels)
    assert result["nmi"] == pytest.approx(1.0)
    assert result["ari"] == pytest.approx(1.0)
    assert result["purity"] == pytest.approx(1.0)
    assert result["unassigned_share"] == 0.0
    assert result["n_topics"] == 3
    assert result["multi_label"] == 0.0


def test_single_cluster_has_zero_nmi_and_ari():
    result = evaluate_assignments([0] * 6, ["a", "a", "b", "b", "c", "c"])
    assert result["nmi"] == pytest.approx(0.0)
    assert result["ari"] == pytest.approx(0.0)
    assert result["purity"] == pytest.approx(2 / 6)


def test_outliers_are_one_cluster_for_nmi_and_wrong_for_purity():
    labels = ["a", "a", "b", "b"]
    result = evaluate_assignments([0, 0, -1, None], labels)
    # -1 and None are both "unassigned" and together form one cluster: it matches label b.
    assert result["nmi"] == pytest.approx(1.0)
    assert result["ari"] == pytest.approx(1.0)
    assert result["purity"] == pytest.approx(0.5)
    assert result["unassigned_share"] == pytest.approx(0.5)
    assert result["n_topics"] == 1


def test_custom_outlier_id_and_unlabelled_papers_skipped():
    result = evaluate_assignments(["x", "x", "out", "y"], ["a", "a", "b", None], outlier="out")
    assert result["n_labelled"] == 3
    assert result["unassigned_share"] == pytest.approx(0.25)
    assert result["purity"] == pytest.approx(2 / 3)


def test_multi_label_purity_counts_majority_label_among_a_papers_labels():
    clusters = [0, 0, 0, 1, 1]
    label_sets = [("a", "b"), ("a",), ("b",), ("c",), ("c", "a")]
    # topic 0: a and b tie at 2 -> "a" (sorted first): papers 0, 1 right; topic 1: "c", both right
    assert purity(clusters, label_sets) == pytest.approx(4 / 5)
    result = evaluate_assignments(clusters, [list(ls) for ls in label_sets])
    assert result["multi_label"] == 1.0
    assert result["purity"] == pytest.approx(4 / 5)
    assert 0.0 < result["nmi"] < 1.0


def test_omega_index_equals_ari_on_partitions():
    clusters = [0, 0, 1, 1, 2, 2, 2, 0, 1, 2]
    labels = ["a", "b", "a", "a", "c", "c", "b", "b", "a", "c"]
    expected = adjusted_rand_score(labels, clusters)
    assert omega_index(clusters, [(x,) for x in labels]) == pytest.approx(expected)
    assert omega_index(clusters, [(x,) for x in labels], block=3) == pytest.approx(expected)


def test_overlapping_measures_are_one_for_identical_covers():
    cover = [("a",), ("a",), ("b",), ("b",)]
    assert overlapping_nmi([0, 0, 1, 1], cover) == pytest.approx(1.0)
    assert overlapping_nmi([0, 0, 0, 0], cover) == pytest.approx(0.0)
    assert omega_index([0, 0, 1, 1], cover) == pytest.approx(1.0)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="3 assignments but 2 labels"):
        evaluate_assignments([0, 1, 2], ["a", "b"])


# --- coherence and diversity ----------------------------------------------------------------


def test_npmi_matches_a_hand_computation():
    texts = ["Apple banana.", "apple, BANANA", "apple cherry", "durian"]
    eps = 1e-12
    # apple 3/4, banana 2/4, together 2/4
    first = math.log((0.5 + eps) / (0.75 * 0.5)) / -math.log(0.5 + eps)
    # cherry 1/4, durian 1/4, never together; "mango" is in no document and is skipped
    second = math.log(eps / (0.25 * 0.25)) / -math.log(eps)
    got = npmi_coherence([["apple", "banana"], ["cherry", "durian", "mango"]], texts)
    assert got == pytest.approx((first + second) / 2)
    # a topic left with one known word is skipped; words beyond top_n are ignored
    assert npmi_coherence([["apple", "mango"], ["apple", "banana"]], texts) == pytest.approx(first)
    assert math.isnan(npmi_coherence([["apple", "banana", "cherry"]], texts, top_n=1))


def test_npmi_counts_ngram_topic_words_as_consecutive_tokens():
    texts = ["graph neural network", "neural graph", "graph neural models"]
    # "graph neural" occurs in docs 0 and 2, "models" in doc 2 only
    expected = math.log((1 / 3 + 1e-12) / ((2 / 3) * (1 / 3))) / -math.log(1 / 3 + 1e-12)
    assert npmi_coherence([["graph neural", "models"]], texts) == pytest.approx(expected)
    assert npmi_coherence([["neural", "graph"]], texts) == pytest.approx(1.0)


def test_topic_diversity():
    assert topic_diversity([["alpha", "beta"], ["alpha", "gamma"]]) == pytest.approx(3 / 4)
    assert topic_diversity([["alpha", "beta", "gamma"], ["delta"]], top_n=1) == 1.0
    assert math.isnan(topic_diversity([]))


def test_topic_words_feed_coherence_and_skip_the_outlier_topic():
    texts = ["apple banana", "apple banana", "cherry durian", "cherry durian"]
    words = {0: [("apple", 0.5), ("banana", 0.4)], 1: ["cherry", "durian"], -1: ["apple", "zzz"]}
    result = evaluate_assignments([0, 0, 1, 1], ["a", "a", "b", "b"], texts=texts,
                                  topic_words=words)
    assert result["npmi"] == pytest.approx(1.0)
    assert result["diversity"] == pytest.approx(1.0)
    assert math.isnan(evaluate_assignments([0, 1], ["a", "b"])["npmi"])


# --- labels files ---------------------------------------------------------------------------


def test_read_labels_csv_splits_multi_labels_and_reports_rows_without_labels(evaluate_dir):
    rows, issues = read_label_rows(evaluate_dir / "labels.csv")
    assert [row.labels for row in rows][:2] == [["repair", "GNN"], ["summarization", "Transformer"]]
    assert len(issues) == 1 and issues[0].line == 6 and issues[0].reason == "no labels"
    labels = read_labels(evaluate_dir / "labels.csv")
    assert labels["arXiv:2101.00001v2"] == ["repair", "GNN"]


def test_read_labels_jsonl_merges_rows_of_one_paper(evaluate_dir):
    labels = read_labels(evaluate_dir / "labels.jsonl")
    assert labels["Learning to Name Variables"] == ["naming", "representation"]


def test_join_labels_by_id_arxiv_and_title_with_unmatched_rows(evaluate_dir):
    corpus = Corpus.load(evaluate_dir / "corpus.jsonl")
    joined = join_labels(corpus, evaluate_dir / "labels.csv")
    assert joined.labels == {
        "arxiv:2101.00001": ["repair", "GNN"],            # by arXiv id (versioned, prefixed)
        "arxiv:2101.00002": ["summarization", "Transformer"],  # by normalised title
        "doi:10.1000/search": ["search"],
    }
    assert [row.key for row in joined.unmatched] == ["A Paper That Is Not In The Corpus"]
    assert len(joined.issues) == 1
    tsv = join_labels(corpus, evaluate_dir / "labels.tsv")  # by paper id
    assert tsv.labels == {"doi:10.1000/search": ["search"]}
    assert [row.line for row in tsv.unmatched] == [3]
    from_json = join_labels(corpus, evaluate_dir / "labels.json")
    assert list(from_json.labels.values()) == [["summarization"], ["naming"]]


def test_labels_file_without_label_column_names_the_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,topic\nx,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv: no 'labels' or 'label' column"):
        read_label_rows(path)


# --- corpus level and command ---------------------------------------------------------------


def test_evaluate_corpus_topics_with_a_mapping(evaluate_dir):
    corpus = Corpus.load(evaluate_dir / "corpus.jsonl")
    topics = {"arxiv:2101.00001": 0, "arxiv:2101.00002": 1, "doi:10.1000/search": 1}
    frame = evaluate_corpus_topics(corpus, topics, evaluate_dir / "labels.jsonl",
                                   topic_words={0: ["graph", "repair"], 1: ["code", "search"]})
    row = frame.iloc[0]
    assert row["n_papers"] == 4 and row["n_labelled"] == 2
    assert row["unassigned_share"] == pytest.approx(0.25)  # the fourth paper has no topic
    assert row["purity"] == pytest.approx(0.5)  # the naming paper is unassigned
    assert row["diversity"] == pytest.approx(1.0)
    assert not math.isnan(row["npmi"])


def test_evaluate_command_prints_a_table_and_writes_csv(evaluate_dir, tmp_path, capsys):
    out = tmp_path / "metrics.csv"
    stream = io.StringIO()
    frame = evaluate_command(evaluate_dir / "corpus.jsonl", evaluate_dir / "labels.csv",
                             evaluate_dir / "topics.csv", output=out, stream=stream)
    assert frame.loc["corpus", "n_labelled"] == 3
    assert frame.loc["corpus", "purity"] == pytest.approx(2 / 3)  # the search paper is wrong
    assert 0.0 < frame.loc["corpus", "nmi"] < 1.0  # overlapping NMI: the labels are multi-label
    assert "| corpus | n_topics | nmi | ari | purity |" in stream.getvalue()
    err = capsys.readouterr().err
    assert "3 papers labelled, 1 label rows matched no paper" in err
    assert "labels.csv:5: label row 'A Paper That Is Not In The Corpus' matches no paper" in err
    assert out.read_text(encoding="utf-8").startswith("corpus,n_topics,nmi,ari")


# --- benchmark datasets (read in place from ../shared) --------------------------------------


def test_benchmark_datasets_load(shared_datasets):
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.datasets import load_dataset
    finally:
        sys.path.remove(str(ROOT))
    single = load_dataset("emnlp22-single")
    assert len(single) == 173 and not single.multi_label
    assert len(load_dataset("emnlp22-multi")) == 828
    family = load_dataset("ml4code-family")
    assert len(family) == 87 and family.n_classes == 3
    tags = load_dataset("ml4code-tags")
    assert len(tags) == 515
    assert not any("Transformers" in labels for labels in tags.labels)
    assert all(text.count(". ") >= 1 for text in tags.texts)


def test_evaluate_command_reads_a_saved_topic_result(evaluate_dir, tmp_path):
    import pandas as pd

    from surveykit.topics.taxonomy import Section, Topic, TopicResult

    ids = ["arxiv:2101.00001", "arxiv:2101.00002", "doi:10.1000/search"]
    assignments = pd.DataFrame({"paper_id": ids, "topic": [0, 1, 1], "score": [0.9, 0.8, 0.7],
                                "section": [0, 0, 0]}).set_index("paper_id")
    topics = [Topic(0, "program repair", 1, 0, ["graph", "repair"], ids[:1]),
              Topic(1, "code search", 2, 0, ["code", "search"], ids[1:2])]
    result = TopicResult(assignments, topics, [Section(0, "code", 3, [0, 1])])
    result.save(tmp_path / "build")
    frame = evaluate_command(evaluate_dir / "corpus.jsonl", evaluate_dir / "labels.jsonl",
                             tmp_path / "build")
    row = frame.iloc[0]
    assert row["n_topics"] == 2 and row["diversity"] == pytest.approx(1.0)
    assert row["unassigned_share"] == pytest.approx(0.25)
    assert 0.0 <= row["label_score"] <= 1.0  # the saved labels against the category names
    again = evaluate_command(evaluate_dir / "corpus.jsonl", evaluate_dir / "labels.jsonl",
                             tmp_path / "build" / "topic_assignments.parquet")
    assert again.iloc[0]["nmi"] == pytest.approx(row["nmi"])
    assert math.isnan(again.iloc[0]["diversity"])  # a bare table has no topic words


# --- label score ----------------------------------------------------------------------------


def _letters_embedder(texts: list[str]):
    """Bag of letters: enough to tell 'machine translation' from 'sentiment analysis'."""
    import numpy as np

    out = np.zeros((len(texts), 26))
    for row, text in enumerate(texts):
        for ch in text.lower():
            if "a" <= ch <= "z":
                out[row, ord(ch) - 97] += 1
    return out


def test_label_score_checks_each_label_against_the_majority_category():
    from surveykit.evaluate import label_score, words_label

    assignments = [0, 0, 0, 1, 1, 2, -1]
    labels = [["Machine Translation"], ["Machine Translation"], ["Sentiment Analysis"],
              ["Sentiment Analysis"], ["Sentiment Analysis", "Machine Translation"],
              ["Machine Translation"], ["Sentiment Analysis"]]
    names = {0: "Machine translation", 1: "Sentiment analysis", 2: "Sentiment analysis"}
    scored = label_score(assignments, labels, names, _letters_embedder)
    assert scored["label_score"] == pytest.approx(2 / 3)  # topic 2 is translation, named wrong
    assert scored["label_score_weighted"] == pytest.approx(5 / 6)  # sizes 3, 2, 1
    assert [row[4] for row in scored["topics"]] == [True, True, False]
    assert words_label(["translation", "nmt", "bleu", "mt"]) == "translation nmt bleu"
    metrics = evaluate_assignments(assignments, labels, topic_labels=names,
                                   embed=_letters_embedder)
    assert metrics["label_score"] == pytest.approx(2 / 3)
    assert math.isnan(evaluate_assignments(assignments, labels)["label_score"])


def test_section_fit_files_each_topic_under_the_closest_heading():
    import numpy as np

    from surveykit.evaluate import section_fit

    axes = {"Translation": 0, "Speech translation": 0, "Sentiment": 1, "Opinion mining": 1,
            "Stance detection": 1, "Parsing": 2}

    def embed(texts):  # each text on its subject's axis
        return np.eye(3)[[axes[t] for t in texts]]

    outline = [("Translation", ["Speech translation", "Opinion mining"], [3, 1]),
               ("Sentiment", ["Stance detection", "Opinion mining"], [2, 2]),
               ("Parsing", ["Parsing"], [5])]  # one topic: named by itself, not scored
    fit = section_fit(outline, embed)
    assert [row[3] for row in fit["topics"]] == [True, False, True, True]
    assert fit["topics"][1] == ("Opinion mining", "Translation", "Sentiment", False)
    assert fit["section_fit"] == pytest.approx(3 / 4)
    assert fit["section_fit_weighted"] == pytest.approx((3 + 2 + 2) / 8)
    assert math.isnan(section_fit([("Parsing", ["Parsing", "Parsing"], [1, 1])], embed)["section_fit"])
