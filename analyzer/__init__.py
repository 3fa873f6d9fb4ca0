"""analyzer: negotiation principles and engagement outcomes in Indonesian social-work session notes.

The package is importable without loading spaCy or scikit-learn; heavy modules load on first use.
"""

__version__ = "0.1.0"

from analyzer.errors import AnalyzerError  # noqa: E402

__all__ = ["AnalyzerError", "__version__"]
