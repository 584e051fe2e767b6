"""Email client support: the caniemail dataset and feature detection in final email HTML.

``data`` loads the pinned caniemail snapshot once and indexes it by syntax (element, attribute,
CSS property, value, at-rule, selector, image format); ``features`` finds those features in an
HTML string with their first position and count. The rules live in ``checks.clients``.
"""

from .data import Dataset, Feature, FeatureIndex, Support, load_dataset
from .features import Detection, detect_features

__all__ = [
    "Dataset",
    "Detection",
    "Feature",
    "FeatureIndex",
    "Support",
    "detect_features",
    "load_dataset",
]
