"""The Label Studio labeling config (``label_config.xml``) of a label set, for the tasks
:mod:`corpus.formats.labelstudio_write` writes.

One ``<Labels name="label">`` over ``<Text name="text" value="$text">`` with one ``<Label>`` per label (its
colour as ``background``); ``<Relations>`` with one ``<Relation>`` per link attribute (a claim's ``speaker``)
and per other link role the records use; and one per-region control per attribute, shown when a span is
selected (a ``<View visibleWhen="region-selected">`` per attribute, with a ``<Header>``): ``<Choices>`` for enums and booleans (``choice="multiple"`` for lists of choices), ``<Number>`` for
numbers, ``<TextArea>`` for free text and free lists (one line per item). The block shows only for spans of
the labels that have the attribute (``whenLabelValue``). Attribute values are XML-escaped, so any label name
works.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import quoteattr

from corpus.scheme import LabelSet


def _attrs(**attributes: Any) -> str:
    """XML attributes, values escaped and quoted; None values left out."""
    return "".join(
        f" {name}={quoteattr(str(value))}" for name, value in attributes.items() if value is not None
    )


def _choices(name: str, values: list[Any], multiple: bool) -> list[str]:
    choice = "multiple" if multiple else "single"
    head = f"    <Choices{_attrs(name=name, toName='text', perRegion='true', choice=choice)}>"
    rows = [f"      <Choice{_attrs(value=str(v).lower() if isinstance(v, bool) else v)}/>" for v in values]
    return [head, *rows, "    </Choices>"]


def _control(name: str, spec: Mapping[str, Any]) -> list[str]:
    """The per-region control of one attribute (``name`` is its results' ``from_name``)."""
    kind = spec["type"]
    items = spec.get("items") or {}
    if kind == "boolean":
        return _choices(name, [True, False], False)
    if "enum" in spec:
        return _choices(name, list(spec["enum"]), False)
    if kind == "array" and "enum" in items:
        return _choices(name, list(items["enum"]), True)
    region = {"name": name, "toName": "text", "perRegion": "true"}
    if kind in ("integer", "number"):
        step = "1" if kind == "integer" else "any"
        return [
            f"    <Number{_attrs(**region, step=step, min=spec.get('minimum'), max=spec.get('maximum'))}/>"
        ]
    return [f"    <TextArea{_attrs(**region, maxSubmissions=None if kind == 'array' else '1')}/>"]


def _attribute_view(name: str, spec: Mapping[str, Any], labels: list[str]) -> list[str]:
    """A block shown while a span of one of ``labels`` is selected (any span when a label name holds a comma,
    which ``whenLabelValue`` would split): the attribute's title and its control."""
    when = None if any("," in label for label in labels) else ",".join(labels)
    title = spec.get("title") or name
    return [
        f'  <View visibleWhen="region-selected"{_attrs(whenLabelValue=when)}>',
        f'    <Header{_attrs(value=title)} size="6"/>',
        *_control(name, spec),
        "  </View>",
    ]


def label_config(labelset: LabelSet, roles: Iterable[str] = ()) -> str:
    """The labeling config XML for ``labelset``; ``roles`` are link roles of the records beyond the label set's
    link attributes (they become ``<Relation>`` values too)."""
    relations: dict[str, None] = {}
    users: dict[str, list[str]] = {}
    specs: dict[str, dict[str, Any]] = {}
    for label in labelset.labels:
        for name, spec in label.attributes.items():
            if "x-link" in spec:
                relations[name] = None
            specs.setdefault(name, spec)
            users.setdefault(name, []).append(label.name)
    relations.update(dict.fromkeys(roles))
    lines = ["<View>", '  <Labels name="label" toName="text">']
    lines += [f"    <Label{_attrs(value=label.name, background=label.color)}/>" for label in labelset.labels]
    lines += ["  </Labels>", '  <Text name="text" value="$text"/>']
    if relations:
        lines += [
            "  <Relations>",
            *(f"    <Relation{_attrs(value=role)}/>" for role in relations),
            "  </Relations>",
        ]
    for name, spec in specs.items():
        lines += _attribute_view(name, spec, users[name])
    lines.append("</View>")
    return "\n".join(lines) + "\n"
