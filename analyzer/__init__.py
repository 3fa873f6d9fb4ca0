"""analyzer: negotiation principles and engagement outcomes in Indonesian social-work session notes.

The package imports without loading spaCy or scikit-learn; the API functions load them on first use::

    import analyzer
    codebook = analyzer.load_codebook()
    passages = analyzer.analyze_files(["corpora/demo/notes"])      # one row per passage
    report = analyzer.coverage_report(passages, lang="en")                 # per worker, client, month
    review = analyzer.review_text("Saya dengarkan cerita Ibu R sampai selesai.")

See ``analyzer.api`` for the functions and their examples.
"""

__version__ = "0.1.0"

from analyzer.errors import AnalyzerError  # noqa: E402

_API = ("load_codebook", "load_model", "read_notes", "analyze_dataframe", "analyze_files", "coverage_report", "review_text",
        "Codebook", "CodeModel")

__all__ = ["AnalyzerError", "__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from analyzer import api

        return getattr(api, name)
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
