"""Dataset cards: the README.md of a release, with the YAML header ``datasets`` reads (configs, features)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import datasets
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData


def card_header(
    configs: Mapping[str, Mapping[str, int]],
    features: Mapping[str, datasets.Features],
    *,
    pretty_name: str,
    license: str = "other",
    extra: Mapping[str, Any] | None = None,
) -> str:
    """The YAML front matter: ``configs`` with data_files per split and ``dataset_info`` with typed features."""
    data = DatasetCardData(pretty_name=pretty_name, license=license, **dict(extra or {}))
    MetadataConfigs(
        {
            name: {
                "data_files": [
                    {"split": split, "path": f"data/{name}/{split}-*.parquet"} for split in splits
                ],
                **({"default": True} if index == 0 else {}),
            }
            for index, (name, splits) in enumerate(configs.items())
        }
    ).to_dataset_card_data(data)
    infos = {}
    for name, splits in configs.items():
        split_dict = SplitDict()
        for split, rows in splits.items():
            split_dict.add(SplitInfo(name=split, num_examples=rows))
        infos[name] = DatasetInfo(features=features[name], splits=split_dict, config_name=name)
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return f"---\n{data.to_yaml()}\n---\n"
