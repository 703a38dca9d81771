"""Dataset cards: the README.md of a release, with the YAML header ``datasets`` reads (configs, features).

The header follows the Hugging Face dataset card spec: ``license`` (with ``license_name`` and ``license_link``
when it is ``other``: :mod:`corpus.licensing`), ``configs`` with the data files per split, and ``dataset_info``
per config with typed features, each split's ``num_examples`` and ``num_bytes`` (its size as Arrow data, as
``datasets`` counts it), ``download_size`` (the bytes of the config's Parquet files) and ``dataset_size`` (the sum
of ``num_bytes``), all measured on the files the build wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import datasets
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData

from corpus.licensing import ReleaseLicense


def card_header(
    configs: Mapping[str, Mapping[str, int]],
    features: Mapping[str, datasets.Features],
    *,
    pretty_name: str,
    license: ReleaseLicense | None = None,
    arrow_bytes: Mapping[str, Mapping[str, int]] | None = None,
    file_bytes: Mapping[str, int] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """The YAML front matter: the licence, ``configs`` with data_files per split and ``dataset_info`` with typed
    features and sizes (``arrow_bytes``: config -> split -> num_bytes; ``file_bytes``: config -> download size;
    both from :class:`corpus.release.BuildStats`)."""
    license = license or ReleaseLicense()
    fields: dict[str, Any] = {**license.card_fields(), **dict(extra or {})}
    data = DatasetCardData(pretty_name=pretty_name, **fields)
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
        sizes = (arrow_bytes or {}).get(name, {})
        split_dict = SplitDict()
        for split, rows in splits.items():
            split_dict.add(SplitInfo(name=split, num_examples=rows, num_bytes=sizes.get(split, 0)))
        infos[name] = DatasetInfo(
            features=features[name],
            splits=split_dict,
            config_name=name,
            download_size=(file_bytes or {}).get(name),
            dataset_size=sum(sizes.get(split, 0) for split in splits) if sizes else None,
        )
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return f"---\n{data.to_yaml()}\n---\n"
